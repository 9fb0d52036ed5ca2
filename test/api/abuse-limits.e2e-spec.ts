// Abuse resistance (issue 18): rate limits on the public ingest routes shared through Redis, the per-visitor
// touchpoint cap, CSRF-safe admin writes, security headers on HTML pages and the development-secret warning.
import { signHubspotV3 } from '@app/crm-testing';
import { ADMIN_TOKEN, INGEST_API_KEY, json, touchpointFromBrowser } from '../support/journey-env';
import { ServiceProcess, startApi } from '../support/service-process';
import { HUBSPOT_SECRET, startWebhookEnv, WebhookEnv } from '../support/webhook-env';

const PER_IP = 5;

describe('ingest rate limits and the per-visitor cap', () => {
  let t: WebhookEnv;
  let second: ServiceProcess;
  beforeAll(async () => {
    t = await startWebhookEnv('abuse-limits', {
      INGEST_RATE_PER_IP_PER_MINUTE: String(PER_IP),
      INGEST_RATE_PER_KEY_PER_MINUTE: '8',
      MAX_TOUCHPOINTS_PER_VISITOR_PER_HOUR: '3',
    });
    second = await startApi(t.env); // a second api process on the same Postgres and Redis
  });
  afterAll(async () => {
    await second?.stop();
    await t?.close();
  });

  const fromBrowser = (ip: string, externalId: string, base = t.api.url) =>
    touchpointFromBrowser(base, ip, externalId);
  const touchpointsOf = async (prefix: string) =>
    Number(
      (
        await t.sql.query(
          `SELECT count(*) AS n FROM touchpoints tp JOIN visitors v ON v.id = tp.visitor_id
           WHERE v.external_id LIKE $1`,
          [`${prefix}%`],
        )
      ).rows[0].n,
    );

  it('refuses twice the per-IP limit from one IP with 429 and Retry-After, writing nothing for them', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 2 * PER_IP; i++) {
      const response = await fromBrowser('198.51.100.1', `ip-one-${i}`);
      statuses.push(response.status);
      if (response.status === 429) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
        expect((await json(response)).statusCode).toBe(429);
      }
    }
    expect(statuses.filter((status) => status === 201)).toHaveLength(PER_IP);
    expect(statuses.filter((status) => status === 429)).toHaveLength(PER_IP);
    expect(await touchpointsOf('ip-one-')).toBe(PER_IP);

    // Another IP, and a server holding the key, are unaffected.
    expect((await fromBrowser('198.51.100.2', 'ip-two-0')).status).toBe(201);
    const keyed = await t.ingest('/v1/touchpoints', {
      external_id: 'keyed-0',
      url: 'https://www.shop.test/',
    });
    expect(keyed.status).toBe(201);

    const metrics = await (await fetch(`${t.api.url}/metrics`)).text();
    expect(metrics).toMatch(
      /journey_ingest_rate_limited_total\{route="\/v1\/touchpoints",caller="browser"\} 5/,
    );
  });

  it('never limits webhooks: a burst from the same IP is stored whole', async () => {
    const uri = `${t.api.url}/webhooks/hubspot`;
    const statuses = await Promise.all(
      Array.from({ length: 4 * PER_IP }, (_, i) => {
        const body = JSON.stringify([
          {
            eventId: i,
            subscriptionId: 2,
            portalId: 62515,
            appId: 54321,
            occurredAt: Date.now() - i,
            subscriptionType: 'deal.propertyChange',
            attemptNumber: 0,
            objectId: 7000 + i,
            propertyName: 'dealstage',
            propertyValue: 'closedwon',
          },
        ]);
        return t
          .post('/webhooks/hubspot', body, {
            ...signHubspotV3({ uri, rawBody: body, clientSecret: HUBSPOT_SECRET }),
            'x-forwarded-for': '198.51.100.1',
          })
          .then((response) => response.status);
      }),
    );
    expect(statuses).toEqual(Array(4 * PER_IP).fill(200));
    expect(await t.events('hubspot')).toHaveLength(4 * PER_IP);
  });

  it('shares one limit between two api processes', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 2 * PER_IP; i++) {
      const base = i % 2 === 0 ? t.api.url : second.url;
      statuses.push((await fromBrowser('198.51.100.3', `shared-${i}`, base)).status);
    }
    expect(statuses.filter((status) => status === 201)).toHaveLength(PER_IP);
    expect(await touchpointsOf('shared-')).toBe(PER_IP);
  });

  it('limits a server per API key', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) {
      const response = await t.ingest('/v1/forms', { external_id: `per-key-${i}` });
      statuses.push(response.status);
    }
    // 8 per minute for the key, one of them spent by the previous test.
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(2);
    expect(statuses.slice(0, 6)).toEqual(Array(6).fill(201));
  });

  it('acknowledges touchpoints past the hourly per-visitor cap with ignored: true, storing none', async () => {
    const answers = [];
    for (let i = 0; i < 5; i++) {
      const response = await fromBrowser(`198.51.100.${10 + i}`, 'looping-visitor');
      expect(response.status).toBe(201);
      answers.push(await json(response));
    }
    expect(answers.map((answer) => answer.ignored ?? false)).toEqual([false, false, false, true, true]);
    expect(answers[4]).toMatchObject({ external_id: 'looping-visitor', touchpoint_id: null });
    expect(await touchpointsOf('looping-visitor')).toBe(3);
    const metrics = await (await fetch(`${t.api.url}/metrics`)).text();
    expect(metrics).toMatch(/journey_touchpoints_ignored_total\{reason="visitor_hourly_cap"\} 2/);
  });
});

describe('CSRF-safe admin writes, security headers, development secrets', () => {
  let t: WebhookEnv;
  beforeAll(async () => {
    t = await startWebhookEnv('abuse-admin');
  });
  afterAll(() => t?.close());

  const basic = `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`;
  const replay = (authorization: string, fetchSite: string) =>
    fetch(`${t.api.url}/v1/admin/replays`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization,
        'sec-fetch-site': fetchSite,
        origin: 'https://evil.test',
      },
      body: JSON.stringify({ status: 'sent' }),
    });

  it('refuses a cross-site replay sent with basic auth, and accepts the same call with a Bearer token', async () => {
    const crossSite = await replay(basic, 'cross-site');
    expect(crossSite.status).toBe(403);
    expect((await json(crossSite)).message).toMatch(/cross-site/);
    const bearer = await replay(`Bearer ${ADMIN_TOKEN}`, 'cross-site');
    expect(bearer.status).toBe(200);
    expect(await json(bearer)).toMatchObject({ enqueued: 0 });
  });

  it("refuses a cross-site write to the queue dashboard's API, not a same-origin one", async () => {
    const clean = (fetchSite: string) =>
      fetch(`${t.api.url}/admin/queues/api/queues/dispatch/clean/completed`, {
        method: 'PUT',
        headers: { authorization: basic, 'sec-fetch-site': fetchSite },
      });
    expect((await clean('cross-site')).status).toBe(403);
    expect((await clean('same-origin')).status).toBeLessThan(400);
  });

  it('sends security headers with every HTML page', async () => {
    for (const [path, headers] of [
      ['/docs', {}],
      ['/admin/queues', { authorization: basic }],
    ] as [string, Record<string, string>][]) {
      const response = await fetch(`${t.api.url}${path}`, { headers });
      expect([path, response.status]).toEqual([path, 200]);
      expect(response.headers.get('content-type')).toMatch(/text\/html/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
    }
  });

  it('warns loudly at start-up about development secrets with NODE_ENV=production', async () => {
    const api = await startApi({
      ...t.env,
      NODE_ENV: 'production',
      ADMIN_TOKEN: 'dev-admin-token-change-me',
      INGEST_API_KEY: 'dev-ingest-key-change-me',
    });
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(api.output()).toMatch(/SECURITY: ADMIN_TOKEN is the documented development value/);
      expect(api.output()).toMatch(/SECURITY: INGEST_API_KEY is the documented development value/);
    } finally {
      await api.stop();
    }
    expect(t.api.output()).not.toMatch(/SECURITY:/);
  });

  it('keeps INGEST_API_KEY calls working whatever the Origin says', async () => {
    const response = await fetch(`${t.api.url}/v1/touchpoints`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': INGEST_API_KEY,
        'sec-fetch-site': 'cross-site',
      },
      body: JSON.stringify({ url: 'https://www.shop.test/' }),
    });
    expect(response.status).toBe(201);
  });
});
