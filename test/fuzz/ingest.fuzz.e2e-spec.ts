// Property-based fuzzing of the ingest and journey routes (POST /v1/touchpoints, POST /v1/forms,
// GET/DELETE /v1/journeys/:external_id): never a 5xx, and a refused request writes nothing.
import fc from 'fast-check';
import {
  ADMIN_TOKEN,
  BROWSER_ORIGIN,
  CHROME_UA,
  INGEST_API_KEY,
  JourneyEnv,
  startJourneyEnv,
} from '../support/journey-env';
import {
  assertProperty,
  bodyText,
  checkRequest,
  contentType,
  fieldObject,
  FuzzReq,
  headerValue,
  pathSegment,
  RUNS,
  send,
  withContentType,
} from './fuzz-support';
import { beatAsWorker } from '../support/worker-beat';

const TOUCHPOINT_FIELDS = [
  'url',
  'external_id',
  'anonymous_id',
  'event_name',
  'event_id',
  'occurred_at',
  'referrer',
  'fbp',
  'fbc',
  'properties',
  'consent',
  'tcf_string',
  'ip',
  'user_agent',
];
const CONSENT_FIELDS = [
  'ad_storage',
  'ad_user_data',
  'ad_personalization',
  'analytics_storage',
  'tcf_string',
  'us_privacy',
];
const FORM_FIELDS = [
  'external_id',
  'event_name',
  'event_id',
  'email',
  'phone',
  'first_name',
  'last_name',
  'city',
  'state',
  'zip',
  'country',
  'date_of_birth',
  'gender',
  'lead_id',
  'ip',
  'user_agent',
  'consent',
  'fields',
  'crm_ids',
];
const CRM_ID_FIELDS = [
  'hubspot_contact_id',
  'hubspot_deal_id',
  'salesforce_lead_id',
  'salesforce_contact_id',
  'salesforce_opportunity_id',
  'ghl_contact_id',
  'ghl_opportunity_id',
];

const TP_BASE = {
  url: 'https://www.shop.test/landing?utm_source=fuzz&fbclid=IwAR2F4',
  external_id: 'fuzz-visitor',
  fbp: 'fb.1.1596403881668.1116446470',
  consent: { ad_storage: 'granted', ad_user_data: 'granted' },
  ip: '203.0.113.7',
  user_agent: CHROME_UA,
};
const FORM_BASE = {
  external_id: 'fuzz-form-visitor',
  email: 'jane@example.com',
  phone: '+1 650 555 1212',
  first_name: 'Jane',
  country: 'US',
  fields: { budget: '10k' },
  crm_ids: { hubspot_contact_id: '501', salesforce_lead_id: '00Q5e00000AbCdE' },
};

/** Who is calling: the right key, none, a wrong one; sometimes as a browser (allowed or foreign Origin). */
const ingestAuth = fc.record({
  key: fc.oneof(
    { arbitrary: fc.constant(INGEST_API_KEY), weight: 4 },
    { arbitrary: fc.constant(null), weight: 1 },
    { arbitrary: headerValue, weight: 1 },
  ),
  origin: fc.oneof(
    { arbitrary: fc.constant(null), weight: 4 },
    {
      arbitrary: fc.constantFrom(BROWSER_ORIGIN, 'https://evil.test', 'null', `${BROWSER_ORIGIN}.evil.test`),
      weight: 2,
    },
    { arbitrary: headerValue, weight: 1 },
  ),
  userAgent: fc.option(fc.oneof(fc.constant(CHROME_UA), headerValue), { nil: undefined }),
  forwardedFor: fc.option(
    fc.oneof(headerValue, fc.constantFrom('1.2.3.4, 5.6.7.8', '999.1.1.1', 'fe80::1%eth0')),
    {
      nil: undefined,
    },
  ),
});

function ingestRequest(path: string, objects: fc.Arbitrary<unknown>): fc.Arbitrary<FuzzReq> {
  return fc
    .record({
      // JSON content type most of the time so bodies reach validation; the rest probes the content-type gate.
      ct: fc.oneof(
        { arbitrary: fc.constant('application/json'), weight: 3 },
        { arbitrary: contentType, weight: 2 },
      ),
      auth: ingestAuth,
      body: bodyText(objects),
    })
    .map(({ ct, auth, body }) => {
      const headers: Record<string, string> = {};
      if (auth.key !== null) headers['x-api-key'] = auth.key;
      if (auth.origin !== null) headers.origin = auth.origin;
      if (auth.userAgent !== undefined) headers['user-agent'] = auth.userAgent;
      if (auth.forwardedFor !== undefined) headers['x-forwarded-for'] = auth.forwardedFor;
      const typed = withContentType(headers, ct);
      return { method: 'POST' as const, path, headers: typed.headers, body, bytes: typed.bytes };
    });
}

describe('fuzz: ingest and journeys (fast-check)', () => {
  let t: JourneyEnv;
  const statuses = new Map<number, number>();
  const tally = (status: number) => statuses.set(status, (statuses.get(status) ?? 0) + 1);
  const seeded = ['fuzz-seed-1', 'fuzz-seed-2', 'fuzz-seed-3', 'fuzz-seed-4'];

  beforeAll(async () => {
    t = await startJourneyEnv('fuzz-ingest');
    for (const external_id of seeded)
      expect((await t.ingest('/v1/touchpoints', { ...TP_BASE, external_id })).status).toBe(201);
  });
  afterAll(async () => {
    // eslint-disable-next-line no-console
    console.log(`ingest fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    await t?.close();
  });

  it(`POST /v1/touchpoints: no 5xx, no write when refused (${RUNS} runs)`, async () => {
    const objects = fieldObject(TOUCHPOINT_FIELDS, TP_BASE, { consent: CONSENT_FIELDS });
    await assertProperty(ingestRequest('/v1/touchpoints', objects), async (req) => {
      tally((await checkRequest(t.api.url, t.sql, req)).status);
    });
  });

  it(`POST /v1/forms: no 5xx, no write when refused (${RUNS} runs)`, async () => {
    const objects = fieldObject(FORM_FIELDS, FORM_BASE, {
      consent: CONSENT_FIELDS,
      crm_ids: CRM_ID_FIELDS,
      fields: ['budget', 'note', 'email', 'company_size', 'contact'],
    });
    await assertProperty(ingestRequest('/v1/forms', objects), async (req) => {
      tally((await checkRequest(t.api.url, t.sql, req)).status);
    });
  });

  it(`POST /v1/forms: any string in any contact field → 201 or a structural 4xx, nothing raw at rest (${RUNS} runs)`, async () => {
    const CONTACT = ['email', 'phone', 'first_name', 'last_name', 'city', 'state', 'zip', 'country'] as const;
    const messy = fc.oneof(
      { arbitrary: fc.string({ maxLength: 40 }), weight: 8 },
      { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 8 },
      {
        arbitrary: fc.constantFrom(
          '+44 (0)20 7946 0958 ext. 12',
          '02-29-2000',
          'South Korea',
          'Calif.',
          '94105 1234',
          '\u200b',
        ),
        weight: 4,
      },
      // Over the 256-character limit: a structural fault, refused whole.
      { arbitrary: fc.string({ minLength: 250, maxLength: 270 }), weight: 1 },
    );
    const sent: string[] = [];
    let n = 0;
    const forms = fc.record(
      Object.fromEntries([...CONTACT, 'date_of_birth', 'gender'].map((field) => [field, messy])),
      { requiredKeys: [] },
    );
    await assertProperty(forms, async (contact) => {
      const body = { external_id: `fuzz-contact-${++n}`, ...contact };
      const res = await send(t.api.url, {
        method: 'POST',
        path: '/v1/forms',
        headers: { 'content-type': 'application/json', 'x-api-key': INGEST_API_KEY },
        body: JSON.stringify(body),
      });
      tally(res.status);
      const tooLong = Object.entries(contact).filter(([, value]) => (value as string).length > 256);
      if (tooLong.length) {
        // Structural: a value over the size limit is a 400 naming its field, and nothing is written.
        expect(res.status).toBe(400);
        expect(JSON.parse(res.text).fields).toEqual(expect.arrayContaining([tooLong[0][0]]));
      } else {
        expect([res.status, res.text]).toEqual([201, expect.any(String)]);
        const answer = JSON.parse(res.text);
        const named = [...answer.keys, ...answer.dropped.map((value: { field: string }) => value.field)];
        expect(named.length).toBeLessThanOrEqual(Object.keys(contact).length);
        sent.push(...(Object.values(contact) as string[]));
      }
    });
    // Raw values at rest: none of the distinctive values sent may appear anywhere in the database.
    const distinctive = sent.filter((value) => value.trim().length >= 8 && /[^0-9a-f\s]/.test(value));
    expect(distinctive.length).toBeGreaterThan(RUNS / 2); // the check below looks at real values
    const { rows } = await t.sql.query(
      `SELECT (SELECT coalesce(string_agg(row_to_json(f)::text, ' '), '') FROM form_submissions f) ||
              (SELECT coalesce(string_agg(row_to_json(v)::text, ' '), '') FROM visitors v) ||
              (SELECT coalesce(string_agg(row_to_json(i)::text, ' '), '') FROM identities i) AS dump`,
    );
    const dump: string = rows[0].dump;
    const leaked = distinctive.filter(
      (value) => dump.includes(value) || dump.includes(JSON.stringify(value).slice(1, -1)),
    );
    expect(leaked).toEqual([]);
  });

  it(`GET and DELETE /v1/journeys/:external_id with random ids and Authorization (${RUNS} runs)`, async () => {
    const authorization = fc.oneof(
      { arbitrary: fc.constant(`Bearer ${ADMIN_TOKEN}`), weight: 4 },
      { arbitrary: fc.constant(null), weight: 1 },
      {
        arbitrary: fc.constantFrom(
          `bearer ${ADMIN_TOKEN}`,
          `Bearer  ${ADMIN_TOKEN}`,
          `Bearer ${ADMIN_TOKEN}x`,
          `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`,
          ADMIN_TOKEN,
        ),
        weight: 1,
      },
      { arbitrary: headerValue.map((v) => `Bearer ${v}`), weight: 1 },
      { arbitrary: headerValue, weight: 1 },
    );
    const req = fc
      .record({
        method: fc.constantFrom('GET' as const, 'DELETE' as const),
        id: fc.oneof(
          { arbitrary: pathSegment, weight: 5 },
          { arbitrary: fc.constantFrom(...seeded), weight: 1 },
        ),
        authorization,
        ct: contentType,
        body: fc.option(bodyText(fc.constant({ external_id: 'x' })), { nil: undefined }),
      })
      .map(({ method, id, authorization: auth, ct, body }): FuzzReq => {
        const headers: Record<string, string> = {};
        if (auth !== null) headers.authorization = auth;
        const typed = withContentType(headers, body === undefined ? null : ct);
        return { method, path: `/v1/journeys/${id}`, headers: typed.headers, body, bytes: typed.bytes };
      });
    await assertProperty(req, async (r) => {
      tally((await checkRequest(t.api.url, t.sql, r)).status);
    });
  });

  it('afterwards: /health/ready is 200 and a valid touchpoint still gets 201', async () => {
    expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
    await beatAsWorker(t.env);
    expect((await fetch(`${t.api.url}/health/ready`)).status).toBe(200);
    const res = await send(t.api.url, {
      method: 'POST',
      path: '/v1/touchpoints',
      headers: { 'content-type': 'application/json', 'x-api-key': INGEST_API_KEY },
      body: JSON.stringify({ ...TP_BASE, external_id: 'after-the-fuzz' }),
    });
    expect(res.status).toBe(201);
    expect(JSON.parse(res.text).external_id).toBe('after-the-fuzz');
  });
});
