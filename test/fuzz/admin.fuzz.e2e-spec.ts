// Property-based fuzzing of the admin and operational routes: POST /v1/admin/replays,
// GET /v1/admin/lifecycle-events, GET /v1/admin/dispatches, GET /v1/tag.js (and /v1/tag/:file), /health,
// /health/ready, /metrics and /admin/queues (Bull Board, behind its auth hook). Never a 5xx; a refused
// request writes nothing.
import fc from 'fast-check';
import { signHubspotV3 } from '@app/crm-testing';
import { ADMIN_TOKEN, INGEST_API_KEY } from '../support/journey-env';
import { HUBSPOT_SECRET, startWebhookEnv, WebhookEnv } from '../support/webhook-env';
import {
  assertProperty,
  bodyText,
  checkRequest,
  contentType,
  fieldObject,
  FuzzReq,
  headerValue,
  hostileString,
  pathSegment,
  queryString,
  RUNS,
  safeEncode,
  send,
  withContentType,
} from './fuzz-support';
import { beatAsWorker } from '../support/worker-beat';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The right bearer (most of the time, so bodies reach validation), near misses, and garbage. */
const authorization = fc.oneof(
  { arbitrary: fc.constant<string | null>(`Bearer ${ADMIN_TOKEN}`), weight: 8 },
  { arbitrary: fc.constant<string | null>(null), weight: 1 },
  {
    arbitrary: fc.constantFrom<string | null>(
      `bearer ${ADMIN_TOKEN}`,
      `Bearer ${ADMIN_TOKEN} `,
      `Bearer ${ADMIN_TOKEN.slice(0, -1)}`,
      `Bearer ${ADMIN_TOKEN}${ADMIN_TOKEN}`,
      basic('admin', ADMIN_TOKEN),
      basic('', ADMIN_TOKEN),
      basic('admin', 'wrong'),
      `Basic ${ADMIN_TOKEN}`,
      'Basic !!!not-base64!!!',
      'Basic ',
      `Bearer ${INGEST_API_KEY}`,
      ADMIN_TOKEN,
    ),
    weight: 2,
  },
  { arbitrary: headerValue.map<string | null>((v) => `Bearer ${v}`), weight: 1 },
  {
    arbitrary: headerValue.map<string | null>((v) => `Basic ${Buffer.from(v).toString('base64')}`),
    weight: 1,
  },
  { arbitrary: headerValue.map<string | null>((v) => v), weight: 1 },
);
const withAuth = (auth: string | null): Record<string, string> =>
  auth === null ? {} : { authorization: auth };

const REPLAY_FIELDS = ['lifecycle_event_ids', 'event_name', 'status', 'since', 'until', 'test_event_code'];
const LISTING_PARAMS = ['status', 'provider', 'event_name', 'since', 'until', 'limit', 'cursor'];

describe('fuzz: admin and operational routes (fast-check)', () => {
  let t: WebhookEnv;
  let eventIds: string[] = [];
  const statuses = new Map<string, number>();
  const tally = (route: string, status: number) =>
    statuses.set(`${route} ${status}`, (statuses.get(`${route} ${status}`) ?? 0) + 1);

  beforeAll(async () => {
    t = await startWebhookEnv('fuzz-admin');
    // A few stored lifecycle events, so replays by id and the listings have something to work on.
    const body = JSON.stringify(
      ['closedwon', 'qualifiedtobuy', 'presentationscheduled'].map((stage, i) => ({
        eventId: i,
        subscriptionId: 2,
        portalId: 62515,
        appId: 1,
        occurredAt: Date.now() - 60_000,
        subscriptionType: 'deal.propertyChange',
        attemptNumber: 0,
        objectId: 7000 + i,
        propertyName: 'dealstage',
        propertyValue: stage,
      })),
    );
    const headers = signHubspotV3({
      uri: `${t.api.url}/webhooks/hubspot`,
      rawBody: body,
      clientSecret: HUBSPOT_SECRET,
    });
    expect((await t.post('/webhooks/hubspot', body, { ...headers })).status).toBe(200);
    eventIds = (await t.sql.query(`SELECT id FROM lifecycle_events`)).rows.map((row) => String(row.id));
    expect(eventIds).toHaveLength(3);
  });
  afterAll(async () => {
    // eslint-disable-next-line no-console
    console.log(`admin fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    await t?.close();
  });

  it(`POST /v1/admin/replays: hostile bodies and Authorization headers (${RUNS} runs)`, async () => {
    const ids = fc.oneof(
      fc.array(
        fc.oneof(
          fc.constantFrom(...eventIds, ...eventIds.map((id) => id.toUpperCase())),
          fc.uuid(),
          hostileString,
        ),
        {
          maxLength: 5,
        },
      ),
      fc.constant(
        Array.from({ length: 1001 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`),
      ),
    );
    const objects = fc.oneof(
      fieldObject(REPLAY_FIELDS, { lifecycle_event_ids: eventIds }),
      fc.record(
        {
          lifecycle_event_ids: ids,
          event_name: fc.constantFrom('DealWon', 'QualifiedLead', 'Nope'),
          status: fc.constantFrom('pending', 'sent', 'unmapped', 'failed', 'bogus'),
          since: fc.constantFrom(
            '2020-01-01T00:00:00Z',
            new Date(Date.now() - 3_600_000).toISOString(),
            'yesterday',
          ),
          until: fc.constantFrom(new Date().toISOString(), '1999-01-01T00:00:00Z', '2026-02-30T00:00:00Z'),
          test_event_code: fc.oneof(fc.constant('TEST123'), hostileString),
        },
        { requiredKeys: [] },
      ),
    );
    const req = fc
      .record({
        auth: authorization,
        body: bodyText(objects),
        ct: fc.oneof(
          { arbitrary: fc.constant('application/json'), weight: 3 },
          { arbitrary: contentType, weight: 1 },
        ),
      })
      .map(({ auth, body, ct }): FuzzReq => {
        const typed = withContentType(withAuth(auth), ct);
        return {
          method: 'POST',
          path: '/v1/admin/replays',
          headers: typed.headers,
          body,
          bytes: typed.bytes,
        };
      });
    await assertProperty(req, async (r) => {
      tally('replays', (await checkRequest(t.api.url, t.sql, r)).status);
    });
  });

  it(`GET /v1/admin/lifecycle-events and /v1/admin/dispatches: hostile query strings (${RUNS} runs)`, async () => {
    const req = fc
      .record({
        route: fc.constantFrom('/v1/admin/lifecycle-events', '/v1/admin/dispatches'),
        auth: authorization,
        query: fc.oneof(
          queryString(LISTING_PARAMS),
          // A real cursor, tampered: the listings decode it.
          fc
            .tuple(fc.nat(40), hostileString)
            .map(
              ([cut, junk]) =>
                `?cursor=${safeEncode(Buffer.from(JSON.stringify({ t: junk, id: cut })).toString('base64url'))}`,
            ),
          fc.constantFrom(
            '?limit=1',
            '?limit=200&status=pending',
            '?since=2020-01-01T00:00:00Z&until=2030-01-01T00:00:00Z',
          ),
        ),
      })
      .map(({ route, auth, query }): FuzzReq => ({
        method: 'GET',
        path: `${route}${query}`,
        headers: withAuth(auth),
      }));
    await assertProperty(req, async (r) => {
      tally('listings', (await checkRequest(t.api.url, t.sql, r)).status);
    });
  });

  it(`GET /v1/tag.js, /v1/tag/:file, /health, /health/ready, /metrics, /admin/queues: random headers and paths (${RUNS} runs)`, async () => {
    // Readiness is 503 without a worker (a real answer, not a failure): one beats for the run.
    await beatAsWorker(t.env);
    const path = fc.oneof(
      fc.constantFrom(
        '/v1/tag.js',
        '/health',
        '/health/ready',
        '/metrics',
        '/admin/queues',
        '/admin/queues/',
        '/admin/queues/api/queues',
      ),
      pathSegment.map((s) => `/v1/tag/${s}`),
      fc.constantFrom('/v1/tag/1.0.0.js', '/v1/tag/..%2f..%2fpackage.json', '/v1/tag/%2e%2e%2fmain.js'),
      pathSegment.map((s) => `/admin/queues/${s}`),
      pathSegment.map((s) => `/admin/queues/api/queues/${s}`),
      fc.constantFrom('/admin/queues/static/../../package.json', '/admin/queues/%2e%2e/%2e%2e/package.json'),
    );
    const extraHeaders = fc.record(
      {
        accept: fc.oneof(
          fc.constantFrom(
            '*/*',
            'text/html',
            'application/json',
            'application/openmetrics-text; version=1.0.0',
          ),
          headerValue,
        ),
        'accept-encoding': fc.oneof(
          fc.constantFrom('gzip', 'br', 'deflate', 'identity', 'gzip;q=0, *;q=0'),
          headerValue,
        ),
        'if-none-match': headerValue,
        'if-modified-since': fc.oneof(
          fc.constantFrom('Thu, 01 Jan 1970 00:00:00 GMT', 'garbage'),
          headerValue,
        ),
        range: fc.oneof(
          fc.constantFrom('bytes=0-10', 'bytes=999999-', 'bytes=-1', 'bytes=5-1', 'bytes=x'),
          headerValue,
        ),
        origin: headerValue,
        cookie: headerValue,
      },
      { requiredKeys: [] },
    );
    const req = fc
      .record({
        method: fc.oneof(
          { arbitrary: fc.constant('GET' as const), weight: 6 },
          {
            arbitrary: fc.constantFrom('POST' as const, 'PUT' as const, 'DELETE' as const, 'HEAD' as const),
            weight: 1,
          },
        ),
        path,
        query: queryString(['v', 'site', 'limit', 'status', 'name']),
        auth: authorization,
        headers: extraHeaders,
        body: fc.option(bodyText(fc.constant({})), { nil: undefined }),
        ct: contentType,
      })
      .map(({ method, path: p, query, auth, headers, body, ct }): FuzzReq => {
        const typed = withContentType({ ...headers, ...withAuth(auth) }, body === undefined ? null : ct);
        return { method, path: `${p}${query}`, headers: typed.headers, body, bytes: typed.bytes };
      });
    // Bull Board's JSON API once answered 500 to GET /admin/queues/api/queues?status=%00; URLs holding a NUL
    // are now refused up front, so this shape stays in the generator.
    await assertProperty(req, async (r) => {
      const res = await checkRequest(t.api.url, t.sql, r);
      tally(r.path.split('?')[0].split('/').slice(0, 3).join('/'), res.status);
    });
  });

  it('afterwards: /health/ready is 200 and a valid touchpoint still gets 201', async () => {
    expect([...statuses.keys()].filter((key) => Number(key.split(' ').pop()) >= 500)).toEqual([]);
    await beatAsWorker(t.env);
    expect((await fetch(`${t.api.url}/health/ready`)).status).toBe(200);
    const res = await send(t.api.url, {
      method: 'POST',
      path: '/v1/touchpoints',
      headers: { 'content-type': 'application/json', 'x-api-key': INGEST_API_KEY },
      body: JSON.stringify({ url: 'https://www.shop.test/after', external_id: 'after-the-admin-fuzz' }),
    });
    expect(res.status).toBe(201);
  });
});
