import { signHubspotV3 } from '@app/crm-testing';
import { ADMIN_TOKEN, json } from '../support/journey-env';
import { HUBSPOT_SECRET, startWebhookEnv, WebhookEnv } from '../support/webhook-env';
import { startApi } from '../support/service-process';
import { beatAsWorker } from '../support/worker-beat';

const BASIC = `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`;
const FORM = 'application/x-www-form-urlencoded';

/** The console over plain HTTP: CSRF on its forms, headers, readiness with and without a worker. */
describe('operator console: CSRF, headers, readiness', () => {
  let t: WebhookEnv;
  let eventId: string;
  beforeAll(async () => {
    t = await startWebhookEnv('console-http');
    // No worker here: the change stays pending, a replay re-pends it (nothing is sent anywhere).
    const uri = `${t.api.url}/webhooks/hubspot`;
    const body = JSON.stringify([
      {
        eventId: 1,
        subscriptionId: 2,
        portalId: 62515,
        appId: 3,
        occurredAt: Date.now() - 60_000,
        subscriptionType: 'deal.propertyChange',
        attemptNumber: 0,
        objectId: 8001,
        propertyName: 'dealstage',
        propertyValue: 'closedwon',
      },
    ]);
    const stored = await fetch(uri, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signHubspotV3({ uri, rawBody: body, clientSecret: HUBSPOT_SECRET }),
      },
      body,
    });
    expect(stored.status).toBe(200);
    eventId = (await t.sql.query(`SELECT id FROM lifecycle_events WHERE object_id = '8001'`)).rows[0].id;
  });
  afterAll(() => t?.close());

  const page = (path: string, authorization = BASIC) =>
    fetch(`${t.api.url}${path}`, { headers: { authorization } });
  const tokenIn = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1];
  const replay = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    fetch(`${t.api.url}/admin/replay`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': FORM, 'sec-fetch-site': 'same-origin', ...headers },
      body: new URLSearchParams(fields).toString(),
    });

  it('serves every page with the security headers, behind basic or Bearer auth', async () => {
    for (const path of ['/admin', '/admin/health', '/admin/journeys', '/admin/failures', '/admin/setup']) {
      const response = await page(path);
      expect(response.status).toBe(200);
      const csp = response.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(await response.text()).not.toMatch(/<script|style="/);
    }
    expect((await page('/admin', `Bearer ${ADMIN_TOKEN}`)).status).toBe(200);
    const refused = await fetch(`${t.api.url}/admin/failures`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('Basic');
    expect(
      (await page('/admin', `Basic ${Buffer.from('admin:wrong-token-123456').toString('base64')}`)).status,
    ).toBe(401);
  });

  it('refuses a console POST without the CSRF token or with a wrong one (403)', async () => {
    expect((await replay({ lifecycle_event_id: eventId })).status).toBe(403);
    expect((await replay({ lifecycle_event_id: eventId, csrf: 'forged' })).status).toBe(403);
    // A token is bound to the credential: the token a Bearer login got does not pass with basic auth.
    const bearerToken = tokenIn(await (await page('/admin/failures', `Bearer ${ADMIN_TOKEN}`)).text());
    expect(bearerToken).toBeDefined();
    expect((await replay({ lifecycle_event_id: eventId, csrf: bearerToken! })).status).toBe(403);
    const testEvent = await fetch(`${t.api.url}/admin/setup/test-event`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': FORM },
      body: 'test_event_code=TEST1',
    });
    expect(testEvent.status).toBe(403);
    expect(
      (await t.sql.query(`SELECT status FROM lifecycle_events WHERE id = $1`, [eventId])).rows[0].status,
    ).toBe('pending');
  });

  it("accepts the page's token, and refuses a cross-site post even with it", async () => {
    const csrf = tokenIn(await (await page('/admin/failures')).text());
    expect(csrf).toBeDefined();
    const crossSite = await replay(
      { lifecycle_event_id: eventId, csrf: csrf! },
      { 'sec-fetch-site': 'cross-site' },
    );
    expect(crossSite.status).toBe(403);
    const foreignOrigin = await fetch(`${t.api.url}/admin/replay`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': FORM, origin: 'https://evil.test' },
      body: new URLSearchParams({ lifecycle_event_id: eventId, csrf: csrf! }).toString(),
    });
    expect(foreignOrigin.status).toBe(403);

    const accepted = await replay({ lifecycle_event_id: eventId, csrf: csrf!, back: '/admin/failures' });
    expect(accepted.status).toBe(200);
    expect((await accepted.text()).replace(/\s+/g, ' ')).toContain('1 queued again');
    const { rows } = await t.sql.query(`SELECT status, status_reason FROM lifecycle_events WHERE id = $1`, [
      eventId,
    ]);
    expect(rows[0]).toMatchObject({
      status: 'pending',
      status_reason: expect.stringContaining('replayed at'),
    });
  });

  it('keeps Bearer API replays working unchanged (no CSRF token)', async () => {
    const response = await fetch(`${t.api.url}/v1/admin/replays`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ lifecycle_event_ids: [eventId] }),
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({ enqueued: 1 });
  });

  it('accepts form posts under /admin only', async () => {
    const touchpoint = await fetch(`${t.api.url}/v1/touchpoints`, {
      method: 'POST',
      headers: { 'x-api-key': t.env.INGEST_API_KEY, 'content-type': FORM },
      body: 'url=https%3A%2F%2Fwww.shop.test%2F',
    });
    expect(touchpoint.status).toBe(415);
  });

  it('never logs or shows an email searched for', async () => {
    const response = await fetch(`${t.api.url}/admin/journeys/search`, {
      method: 'POST',
      headers: { authorization: BASIC, 'content-type': FORM, 'sec-fetch-site': 'same-origin' },
      body: 'q=Secret.Person%40Example.com',
    });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('email (hashed)');
    expect(html.toLowerCase()).not.toContain('secret.person');
    expect(t.api.output().toLowerCase()).not.toContain('secret.person');
  });

  it('says why lifecycle events are pending for over a minute', async () => {
    await t.sql.query(`UPDATE lifecycle_events SET created_at = now() - interval '5 minutes' WHERE id = $1`, [
      eventId,
    ]);
    const html = await (await page('/admin/health')).text();
    expect(html).toMatch(/1 lifecycle event\(s\) pending for over a minute[\s\S]*no worker heartbeat/);
  });

  it('answers readiness 503 naming the missing worker, 200 once a worker beats', async () => {
    const degraded = await fetch(`${t.api.url}/health/ready`);
    expect(degraded.status).toBe(503);
    expect(await json(degraded)).toMatchObject({
      details: {
        postgres: { status: 'up' },
        redis: { status: 'up' },
        worker: { status: 'down', reason: expect.stringContaining('no worker heartbeat') },
      },
    });
    await beatAsWorker(t.env, 40_000);
    const stale = await json(await fetch(`${t.api.url}/health/ready`));
    expect(stale.details.worker.reason).toMatch(/no worker has beaten for 4\d s/);
    await beatAsWorker(t.env);
    expect((await fetch(`${t.api.url}/health/ready`)).status).toBe(200);
  });

  it('still renders the overview and health within seconds while Redis is unreachable, saying so', async () => {
    const api = await startApi({ ...t.env, REDIS_URL: 'redis://127.0.0.1:1' });
    try {
      const started = Date.now();
      const health = await fetch(`${api.url}/admin/health`, { headers: { authorization: BASIC } });
      expect(health.status).toBe(200);
      const html = (await health.text()).replace(/\s+/g, ' ');
      expect(html).toContain('<td>Redis</td><td><span class="badge bad">down</span>');
      expect(html).toContain('<span class="badge warn">unknown</span> worker heartbeats unknown');
      expect(html).toContain('Redis down');
      const overview = await fetch(`${api.url}/admin`, { headers: { authorization: BASIC } });
      expect(overview.status).toBe(200);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await api.stop();
    }
  });

  it('links / to the console for an authenticated admin only, and lists every route in OpenAPI', async () => {
    expect(await (await page('/')).text()).toContain('id="console-link"');
    expect(await (await fetch(`${t.api.url}/`)).text()).not.toContain('id="console-link"');
    const document = await json(await fetch(`${t.api.url}/docs-json`));
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/',
        '/webhooks/hubspot',
        '/webhooks/gohighlevel',
        '/webhooks/salesforce',
        '/v1/admin/replays',
        '/admin',
        '/admin/replay',
        '/admin/journeys/{external_id}',
        '/health/ready',
        '/metrics',
        '/v1/tag.js',
      ]),
    );
  });
});
