import { execFileSync } from 'node:child_process';
import { sha256Hex } from '@app/journey';
import { CHROME_UA, json, Json, JourneyEnv, startJourneyEnv } from '../support/journey-env';

describe('POST /v1/forms (identity), privacy and erasure', () => {
  let t: JourneyEnv;
  beforeAll(async () => {
    t = await startJourneyEnv('identity');
  });
  afterAll(() => t.close());

  const journey = async (externalId: string): Promise<Json> => {
    const response = await t.admin('GET', `/v1/journeys/${encodeURIComponent(externalId)}`);
    expect(response.status).toBe(200);
    return json(response);
  };
  const RAW = {
    email: '  Jane.Doe+Ads@Example.COM ',
    phone: '(650) 555-1212',
    first_name: "O'Connor",
    last_name: 'Smith-Jones',
    city: 'St. Louis',
    state: 'Missouri',
    zip: '63101-1234',
    country: 'United States',
    date_of_birth: '2/16/1997',
    gender: 'Female',
  };

  it('normalises and hashes every contact field on arrival, as Meta documents', async () => {
    await t.ingest('/v1/touchpoints', { external_id: 'lead-1', url: 'https://www.shop.test/?fbclid=F1' });
    const response = await t.ingest('/v1/forms', {
      external_id: 'lead-1',
      event_id: 'form-evt-1',
      ...RAW,
      consent: { ad_user_data: 'granted' },
      fields: { budget: '10k-50k', company_size: 42 },
      crm_ids: { hubspot_contact_id: '5101', salesforce_lead_id: '00Q5e000001AbCdEAF' },
      lead_id: '1234567890123456',
      user_agent: CHROME_UA,
    });
    expect(response.status).toBe(201);
    expect(await json(response)).toEqual({
      external_id: 'lead-1',
      event_id: 'form-evt-1',
      keys: ['em', 'ph', 'fn', 'ln', 'ct', 'st', 'zp', 'country', 'db', 'ge'],
      dropped: [],
    });

    const view = await journey('lead-1');
    const hashes = Object.fromEntries(
      view.identities.map((identity: Json) => [identity.key_type, identity.hash]),
    );
    expect(hashes).toEqual({
      em: sha256Hex('jane.doe+ads@example.com'),
      ph: sha256Hex('16505551212'),
      ph_e164: sha256Hex('+16505551212'), // Google's and TikTok's form; no em_google: not a gmail address
      fn: sha256Hex('oconnor'),
      ln: sha256Hex('smithjones'),
      ct: sha256Hex('stlouis'),
      st: sha256Hex('mo'),
      zp: sha256Hex('63101'),
      country: sha256Hex('us'),
      db: sha256Hex('19970216'),
      ge: sha256Hex('f'),
    });
    expect(view.crm_links.map((link: Json) => [link.provider, link.object_type, link.crm_id])).toEqual([
      ['hubspot', 'contact', '5101'],
      ['salesforce', 'lead', '00Q5e000001AbCdEAF'],
    ]);
    expect(view.forms[0]).toMatchObject({
      event_name: 'Lead',
      event_id: 'form-evt-1',
      lead_id: '1234567890123456',
      fields: { budget: '10k-50k', company_size: 42 },
      consent: { ad_user_data: 'granted' },
    });
    // A form never becomes a touchpoint, so it cannot overwrite the last touch.
    expect(view.touchpoint_count).toBe(1);
    expect(view.last_touch.fbclid).toBe('F1');
  });

  it('uses the form country as the phone region and links visitors that share an email or phone hash', async () => {
    await t.ingest('/v1/forms', { external_id: 'device-a', email: 'shared@example.com' });
    await t.ingest('/v1/forms', {
      external_id: 'device-b',
      email: 'SHARED@example.com',
      phone: '030 1234567',
      country: 'DE',
    });
    await t.ingest('/v1/forms', { external_id: 'device-c', phone: '+49 30 1234567' });
    await t.ingest('/v1/forms', { external_id: 'stranger', email: 'someone.else@example.com' });

    expect((await journey('device-a')).linked_external_ids).toEqual(['device-b', 'device-c']);
    expect((await journey('device-c')).linked_external_ids).toEqual(['device-a', 'device-b']);
    expect((await journey('stranger')).linked_external_ids).toEqual([]);
    const { rows } = await t.sql.query(
      `SELECT count(*)::int AS n FROM identities WHERE key_type = 'ph' AND hash = $1`,
      [sha256Hex('49301234567')],
    );
    expect(rows[0].n).toBe(1);
  });

  it('drops an email address hidden in custom answers, keeping the rest of the form', async () => {
    const response = await t.ingest('/v1/forms', {
      external_id: 'sneaky',
      email: 'sneaky@example.com',
      fields: { other_email: 'x@example.com', plan: 'pro' },
    });
    expect(response.status).toBe(201);
    expect(await json(response)).toMatchObject({
      keys: ['em'],
      dropped: [{ field: 'fields.other_email', reason: expect.stringContaining('email address') }],
    });
    const view = await journey('sneaky');
    expect(view.forms[0]).toMatchObject({ fields: { plan: 'pro' }, key_types: ['em'] });
  });

  // Documented digests (shared/reference/destinations.md, Google "Hashing").
  const EM_GOOGLE = '223ebda6f6889b1494551ba902d9d381daf2f642bae055888e96343d53e9f9c4';
  const PH_E164 = 'fb4f73a6ec5fdb7077d564cdd22c3554b43ce49168550c3b12c547b78c517b30';
  const identityRows = async (externalId: string) =>
    (
      await t.sql.query(
        `SELECT i.key_type, i.hash FROM identities i JOIN visitor_identities vi ON vi.identity_id = i.id
         JOIN visitors v ON v.id = vi.visitor_id WHERE v.external_id = $1 ORDER BY i.key_type`,
        [externalId],
      )
    ).rows;

  it('stores em_google and ph_e164 beside em/ph, outside keys, and never links visitors by them', async () => {
    const response = await t.ingest('/v1/forms', {
      external_id: 'gmail-a',
      email: ' Cloudy.SanFrancisco+shopping@GMAIL.com',
      phone: '+1 800 555 0100',
    });
    expect(await json(response)).toMatchObject({ keys: ['em', 'ph'], dropped: [] });
    expect(await identityRows('gmail-a')).toEqual([
      { key_type: 'em', hash: sha256Hex('cloudy.sanfrancisco+shopping@gmail.com') },
      { key_type: 'em_google', hash: EM_GOOGLE },
      { key_type: 'ph', hash: sha256Hex('18005550100') },
      { key_type: 'ph_e164', hash: PH_E164 },
    ]);
    expect((await journey('gmail-a')).forms[0].key_types).toEqual(['em', 'ph']);

    // Another dotted variant of the same mailbox: the same em_google identity, yet no link (Meta's em differs).
    await t.ingest('/v1/forms', { external_id: 'gmail-b', email: 'cloudysan.francisco@gmail.com' });
    expect(await identityRows('gmail-b')).toEqual([
      { key_type: 'em', hash: sha256Hex('cloudysan.francisco@gmail.com') },
      { key_type: 'em_google', hash: EM_GOOGLE },
    ]);
    const shared = await t.sql.query(
      `SELECT count(*)::int AS n FROM visitor_identities vi JOIN identities i ON i.id = vi.identity_id
       WHERE i.key_type = 'em_google' AND i.hash = $1`,
      [EM_GOOGLE],
    );
    expect(shared.rows[0].n).toBe(2);
    expect((await journey('gmail-a')).linked_external_ids).toEqual([]);
    expect((await journey('gmail-b')).linked_external_ids).toEqual([]);
    // A dotless gmail address has no em_google (it would equal em).
    await t.ingest('/v1/forms', { external_id: 'gmail-c', email: 'plainname@gmail.com' });
    expect((await identityRows('gmail-c')).map((row: Json) => row.key_type)).toEqual(['em']);
  });

  it('never stores raw contact data: a pg_dump of the database holds none of it', async () => {
    const dump = execFileSync('pg_dump', ['--data-only', '--no-owner', t.db.url], { encoding: 'utf8' });
    expect(dump).toContain(sha256Hex('jane.doe+ads@example.com'));
    for (const raw of [
      'jane.doe',
      'Jane.Doe',
      'shared@example.com',
      'someone.else',
      'x@example.com',
      'sneaky@',
      '555-1212',
      '5551212',
      '030 1234567',
      '301234567',
      "O'Connor",
      'oconnor',
      'Smith-Jones',
      'smithjones',
      'St. Louis',
      '19970216',
      '63101',
      'cloudy',
      'sanfrancisco',
      'san.francisco',
      'plainname',
      '8005550100',
    ]) {
      expect(dump).not.toContain(raw);
    }
  });

  it('never logs raw contact data', () => {
    const logs = t.api.output();
    for (const raw of [
      'jane.doe',
      'Jane.Doe',
      'shared@example.com',
      '555-1212',
      "O'Connor",
      'Cloudy',
      'cloudy',
    ]) {
      expect(logs).not.toContain(raw);
    }
  });

  it('erases a journey: personal data and hashes gone, tombstone kept, later data refused', async () => {
    await t.ingest('/v1/touchpoints', {
      external_id: 'forget-me',
      url: 'https://www.shop.test/?utm_source=x',
      ip: '203.0.113.7',
    });
    await t.ingest('/v1/forms', {
      external_id: 'forget-me',
      email: 'forget.me@example.com',
      phone: '+1 415 555 1234',
      crm_ids: { hubspot_deal_id: '9001' },
    });
    await t.ingest('/v1/forms', { external_id: 'keeps-shared', phone: '+1 415 555 1234' });

    expect((await t.admin('DELETE', '/v1/journeys/forget-me')).status).toBe(204);
    expect((await t.admin('DELETE', '/v1/journeys/forget-me')).status).toBe(204); // idempotent
    expect((await t.admin('GET', '/v1/journeys/forget-me')).status).toBe(410);
    expect((await t.admin('DELETE', '/v1/journeys/never-existed')).status).toBe(404);

    const left = await t.sql.query(
      `SELECT (SELECT count(*) FROM visitors WHERE external_id = 'forget-me')::int AS visitors,
              (SELECT count(*) FROM touchpoints WHERE ip = '203.0.113.7')::int AS touchpoints,
              (SELECT count(*) FROM identities WHERE hash = $1)::int AS email_hash,
              (SELECT count(*) FROM identities WHERE hash = $2)::int AS shared_phone_hash,
              (SELECT count(*) FROM crm_links WHERE crm_id = '9001')::int AS crm_links,
              (SELECT array_agg(key_type ORDER BY key_type) FROM erasure_tombstones) AS tombstones`,
      [sha256Hex('forget.me@example.com'), sha256Hex('14155551234')],
    );
    expect(left.rows[0]).toEqual({
      visitors: 0,
      touchpoints: 0,
      email_hash: 0,
      shared_phone_hash: 1, // still another visitor's identity
      crm_links: 0,
      tombstones: ['external_id', 'hubspot:deal'],
    });
    const again = await t.ingest('/v1/touchpoints', {
      external_id: 'forget-me',
      url: 'https://www.shop.test/',
    });
    expect(again.status).toBe(410);
    expect((await t.ingest('/v1/forms', { external_id: 'forget-me', email: 'a@b.co' })).status).toBe(410);
    expect((await t.sql.query(`SELECT 1 FROM visitors WHERE external_id = 'forget-me'`)).rowCount).toBe(0);
  });

  it('erasure removes em_google and ph_e164; an em_google another visitor holds goes with the last one', async () => {
    expect((await t.admin('DELETE', '/v1/journeys/gmail-a')).status).toBe(204);
    const count = async (hash: string) =>
      (await t.sql.query(`SELECT count(*)::int AS n FROM identities WHERE hash = $1`, [hash])).rows[0].n;
    expect(await count(PH_E164)).toBe(0);
    expect(await count(sha256Hex('cloudy.sanfrancisco+shopping@gmail.com'))).toBe(0);
    expect(await count(EM_GOOGLE)).toBe(1); // still gmail-b's identity
    expect((await t.admin('DELETE', '/v1/journeys/gmail-b')).status).toBe(204);
    expect(await count(EM_GOOGLE)).toBe(0);
  });

  it('keeps journeys behind the admin token', async () => {
    expect((await fetch(`${t.api.url}/v1/journeys/lead-1`)).status).toBe(401);
    const wrong = await fetch(`${t.api.url}/v1/journeys/lead-1`, {
      headers: { authorization: 'Bearer wrong-token' },
    });
    expect(wrong.status).toBe(401);
    const erase = await fetch(`${t.api.url}/v1/journeys/lead-1`, {
      method: 'DELETE',
      headers: { 'x-api-key': t.env.INGEST_API_KEY },
    });
    expect(erase.status).toBe(401);
    expect((await t.admin('GET', '/v1/journeys/lead-1')).status).toBe(200);
  });
});
