// Lossless capture (issue 11): a structurally valid form is always kept; a messy contact value is dropped and
// named; national phone numbers get their region from the form, the visitor's country hint or DEFAULT_COUNTRY.
import { execFileSync } from 'node:child_process';
import { sha256Hex } from '@app/journey';
import {
  ADMIN_TOKEN,
  BROWSER_ORIGIN,
  CHROME_UA,
  json,
  Json,
  JourneyEnv,
  startJourneyEnv,
} from '../support/journey-env';

describe('POST /v1/forms keeps every good value', () => {
  let t: JourneyEnv;
  beforeAll(async () => {
    t = await startJourneyEnv('forms-lossless', { DEFAULT_COUNTRY: 'DE' });
  });
  afterAll(() => t.close());

  const journey = async (externalId: string): Promise<Json> => {
    const response = await t.admin('GET', `/v1/journeys/${encodeURIComponent(externalId)}`);
    expect(response.status).toBe(200);
    return json(response);
  };
  const hashOf = (view: Json, keyType: string) =>
    view.identities.find((identity: Json) => identity.key_type === keyType)?.hash;

  // Four values no normaliser can use, next to one good email.
  const MESSY = {
    phone: 'call me maybe',
    date_of_birth: '31/31/1931',
    country: 'Atlantis Republic',
    gender: 'unsure-zz',
  };

  it('answers 201 with the kept keys and the dropped fields; the journey shows both, nothing raw at rest', async () => {
    await t.ingest('/v1/touchpoints', { external_id: 'messy-1', url: 'https://www.shop.test/?fbclid=M1' });
    const response = await t.ingest('/v1/forms', {
      external_id: 'messy-1',
      email: ' Good.Person@Example.com ',
      ...MESSY,
      crm_ids: { hubspot_contact_id: '8801' },
    });
    expect(response.status).toBe(201);
    const body = await json(response);
    expect(body.keys).toEqual(['em']);
    expect(body.dropped.map((value: Json) => value.field).sort()).toEqual([
      'country',
      'date_of_birth',
      'gender',
      'phone',
    ]);
    for (const { reason } of body.dropped) {
      expect(reason).toEqual(expect.any(String));
      for (const raw of Object.values(MESSY)) expect(reason).not.toContain(raw);
    }

    const view = await journey('messy-1');
    expect(hashOf(view, 'em')).toBe(sha256Hex('good.person@example.com'));
    expect(view.crm_links).toHaveLength(1);
    expect(view.forms[0].key_types).toEqual(['em']);
    expect(view.forms[0].dropped).toEqual(body.dropped);

    const dump = execFileSync('pg_dump', ['--data-only', '--no-owner', t.db.url], { encoding: 'utf8' });
    for (const raw of ['Good.Person', 'good.person@', ...Object.values(MESSY)])
      expect(dump).not.toContain(raw);
    for (const raw of ['Good.Person', ...Object.values(MESSY)]) expect(t.api.output()).not.toContain(raw);
  });

  it('counts each dropped value on /metrics by field and reason', async () => {
    const metrics = await (await fetch(`${t.api.url}/metrics`)).text();
    const dropped = metrics
      .split('\n')
      .filter((line) => line.startsWith('journey_form_values_dropped_total{'));
    expect(dropped.some((line) => line.includes('field="phone"'))).toBe(true);
    expect(dropped.some((line) => line.includes('field="gender"'))).toBe(true);
  });

  it('creates the visitor for a form whose external_id was never seen', async () => {
    const response = await t.ingest('/v1/forms', {
      external_id: 'server-made-id-1',
      email: 'new@example.com',
    });
    expect(response.status).toBe(201);
    const view = await journey('server-made-id-1');
    expect(hashOf(view, 'em')).toBe(sha256Hex('new@example.com'));
  });

  it("makes a national phone E.164 with the country hint from the tag's locale and time zone", async () => {
    // As the JS tag posts it: a browser call (text/plain, allowed origin) with locale and time_zone.
    const touch = await fetch(`${t.api.url}/v1/touchpoints`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: BROWSER_ORIGIN, 'user-agent': CHROME_UA },
      body: JSON.stringify({
        external_id: 'london-visitor',
        url: 'https://www.shop.test/',
        locale: 'en-GB',
        time_zone: 'Europe/London',
      }),
    });
    expect(touch.status).toBe(201);
    const { rows } = await t.sql.query(
      `SELECT country_hint FROM visitors WHERE external_id = 'london-visitor'`,
    );
    expect(rows[0].country_hint).toBe('gb');

    const response = await t.ingest('/v1/forms', { external_id: 'london-visitor', phone: '020 7946 0958' });
    expect(await json(response)).toMatchObject({ keys: ['ph'], dropped: [] });
    expect(hashOf(await journey('london-visitor'), 'ph')).toBe(sha256Hex('442079460958'));
  });

  it("prefers the form's own country to the visitor's hint, and falls back to DEFAULT_COUNTRY", async () => {
    await t.ingest('/v1/touchpoints', {
      external_id: 'us-form',
      url: 'https://www.shop.test/',
      country: 'GB',
    });
    await t.ingest('/v1/forms', { external_id: 'us-form', phone: '(650) 555-1212', country: 'US' });
    expect(hashOf(await journey('us-form'), 'ph')).toBe(sha256Hex('16505551212'));

    await t.ingest('/v1/forms', { external_id: 'no-hint', phone: '030 1234567' });
    expect(hashOf(await journey('no-hint'), 'ph')).toBe(sha256Hex('49301234567'));
  });
});

describe('HTTP conventions: a bodyless JSON request, and authentication before the body', () => {
  let t: JourneyEnv;
  beforeAll(async () => {
    t = await startJourneyEnv('http-conventions');
  });
  afterAll(() => t.close());

  it('reads a DELETE or GET that says application/json but has no body as having no body', async () => {
    const headers = { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' };
    const erase = await fetch(`${t.api.url}/v1/journeys/never-seen`, { method: 'DELETE', headers });
    expect(erase.status).toBe(404);
    await t.ingest('/v1/forms', { external_id: 'to-erase', email: 'erase@example.com' });
    const read = await fetch(`${t.api.url}/v1/journeys/to-erase`, { method: 'GET', headers });
    expect(read.status).toBe(200);
    expect((await json(read)).external_id).toBe('to-erase');
    const erased = await fetch(`${t.api.url}/v1/journeys/to-erase`, { method: 'DELETE', headers });
    expect(erased.status).toBe(204);
  });

  it('answers 401, not 400, to a caller without credentials whatever the body', async () => {
    const cases: [string, string, Record<string, string>][] = [
      ['/v1/forms', '{"external_id":', {}],
      ['/v1/touchpoints', '', {}],
      ['/v1/admin/replays', '{not json', {}],
      ['/v1/admin/replays', '{"status":"sent"}', { authorization: 'Bearer wrong-token' }],
      ['/v1/forms', '{"external_id":"x","fields":{"a":"\\u0000"}}', { 'x-api-key': 'wrong-key-0123456789' }],
    ];
    for (const [path, body, headers] of cases) {
      const response = await fetch(`${t.api.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      expect([path, response.status]).toEqual([path, 401]);
    }
    // With credentials the same bodies are a 400 naming the body.
    const bad = await t.ingest('/v1/forms', '{"external_id":');
    expect(bad.status).toBe(400);
    expect((await json(bad)).fields).toEqual(['body']);
  });
});
