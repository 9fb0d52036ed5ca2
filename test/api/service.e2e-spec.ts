import Redis from 'ioredis';
import { json, JourneyEnv, startJourneyEnv } from '../support/journey-env';
import { isCleanStop, runToExit, startApi, startWorker } from '../support/service-process';
import { beatAsWorker } from '../support/worker-beat';

describe('service: health, metrics, docs, configuration and the worker', () => {
  let t: JourneyEnv;
  beforeAll(async () => {
    t = await startJourneyEnv('service');
  });
  afterAll(() => t.close());

  it('reports liveness and readiness (Postgres, Redis and a worker)', async () => {
    expect(await json(await fetch(`${t.api.url}/health`))).toEqual({ status: 'ok' });
    await beatAsWorker(t.env);
    const ready = await fetch(`${t.api.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await json(ready)).toMatchObject({
      status: 'ok',
      details: { postgres: { status: 'up' }, redis: { status: 'up' }, worker: { status: 'up' } },
    });
  });

  it('answers readiness 503 within a second when Redis is unreachable', async () => {
    const api = await startApi({ ...t.env, REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const started = Date.now();
      const ready = await fetch(`${api.url}/health/ready`);
      expect(ready.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(await json(ready)).toMatchObject({
        details: { redis: { status: 'down' }, postgres: { status: 'up' } },
      });
      // Ingest does not depend on Redis at all.
      const stored = await fetch(`${api.url}/v1/touchpoints`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': t.env.INGEST_API_KEY },
        body: JSON.stringify({ url: 'https://www.shop.test/' }),
      });
      expect(stored.status).toBe(201);
    } finally {
      await api.stop();
    }
  });

  it('exposes Prometheus metrics counting what was stored', async () => {
    await t.ingest('/v1/touchpoints', { url: 'https://www.shop.test/' });
    const response = await fetch(`${t.api.url}/metrics`);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toMatch(/journey_touchpoints_recorded_total\{source="server",bot="false"\} [1-9]/);
    expect(text).toMatch(/http_requests_total\{method="POST",route="\/v1\/touchpoints",status="201"\} [1-9]/);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('serves OpenAPI generated from the DTOs, and Swagger UI', async () => {
    const document = await json(await fetch(`${t.api.url}/docs-json`));
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/touchpoints',
        '/v1/forms',
        '/v1/journeys/{external_id}',
        '/health',
        '/health/ready',
      ]),
    );
    const touchpoint = document.components.schemas.TouchpointDto;
    expect(touchpoint.required).toEqual(['url']);
    expect(Object.keys(touchpoint.properties)).toEqual(
      expect.arrayContaining(['url', 'external_id', 'fbc', 'fbp', 'consent', 'occurred_at', 'properties']),
    );
    const ui = await fetch(`${t.api.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
    [{ CORS_ORIGINS: 'not a url' }, 'CORS_ORIGINS'],
    [{ TRUST_PROXY: 'everyone' }, 'TRUST_PROXY'],
    [{ META_PIXEL_ID: '1234567890' }, 'META_ACCESS_TOKEN'],
    [{ GHL_WEBHOOK_PUBLIC_KEY: 'garbage' }, 'GHL_WEBHOOK_PUBLIC_KEY'],
    [{ STAGE_MAP_FILE: '/nonexistent/stages.json' }, 'STAGE_MAP_FILE'],
    [{ SALESFORCE_ORG_IDS: '12345' }, 'SALESFORCE_ORG_IDS'],
  ])('refuses to start with bad configuration %j, naming %s', async (bad, name) => {
    for (const entry of ['api', 'worker'] as const) {
      const { code, output } = await runToExit(entry, { ...t.env, PORT: '3999', ...bad });
      expect(code).toBe(1);
      expect(output).toContain(name);
    }
  });

  it('runs the worker as an application context that announces itself and stops cleanly on SIGTERM', async () => {
    const worker = startWorker(t.env);
    const redis = new Redis(t.env.REDIS_URL);
    try {
      await worker.ready;
      let keys: string[] = [];
      for (let tries = 0; tries < 50 && keys.length === 0; tries++) {
        keys = await redis.keys(`${t.env.QUEUE_PREFIX}:workers:*`);
        if (!keys.length) await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(keys).toHaveLength(1);
      expect(JSON.parse((await redis.get(keys[0]))!)).toMatchObject({ pid: worker.child.pid });
      expect(isCleanStop(await worker.stop())).toBe(true);
      expect(await redis.keys(`${t.env.QUEUE_PREFIX}:workers:*`)).toHaveLength(0);
    } finally {
      await worker.stop();
      redis.disconnect();
    }
  });

  it('stops the api cleanly on SIGTERM', async () => {
    const api = await startApi(t.env);
    expect(isCleanStop(await api.stop())).toBe(true);
  });
});
