// The worker serves its own /metrics (WORKER_METRICS_PORT); METRICS_TOKEN guards /metrics on both processes.
import { JourneyEnv, startJourneyEnv } from '../support/journey-env';
import { freePort, isCleanStop, ServiceProcess, startWorker } from '../support/service-process';

const METRICS_TOKEN = 'test-metrics-token-0123456789';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('metrics: the worker’s own /metrics, and METRICS_TOKEN', () => {
  let t: JourneyEnv;
  let worker: ServiceProcess;
  let workerUrl: string;

  beforeAll(async () => {
    t = await startJourneyEnv('metrics_auth', { METRICS_TOKEN });
    const port = await freePort();
    const started = startWorker({ ...t.env, WORKER_METRICS_PORT: String(port) });
    worker = started;
    await started.ready;
    workerUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
  });

  it('serves the worker’s registry with the token, in Prometheus text', async () => {
    const response = await fetch(`${workerUrl}/metrics`, { headers: bearer(METRICS_TOKEN) });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('# TYPE journey_lifecycle_events_total counter');
    expect(text).toContain('# TYPE journey_destination_requests_total counter');
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('answers 401 on the worker without the token or with another one, and 404 elsewhere', async () => {
    expect((await fetch(`${workerUrl}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${workerUrl}/metrics`, { headers: bearer('not-the-token-0123456789') })).status,
    ).toBe(401);
    expect((await fetch(`${workerUrl}/`, { headers: bearer(METRICS_TOKEN) })).status).toBe(404);
  });

  it('guards the api’s /metrics the same way', async () => {
    expect((await fetch(`${t.api.url}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${t.api.url}/metrics`, { headers: bearer('not-the-token-0123456789') })).status,
    ).toBe(401);
    const response = await fetch(`${t.api.url}/metrics`, { headers: bearer(METRICS_TOKEN) });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('http_requests_total');
  });

  it('stops the worker cleanly with its metrics server open', async () => {
    await fetch(`${workerUrl}/metrics`, { headers: bearer(METRICS_TOKEN) });
    expect(isCleanStop(await worker.stop())).toBe(true);
    await expect(fetch(`${workerUrl}/metrics`)).rejects.toThrow();
  });
});
