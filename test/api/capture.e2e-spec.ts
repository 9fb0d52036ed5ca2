import { BROWSER_ORIGIN, CHROME_UA, json, Json, JourneyEnv, startJourneyEnv } from '../support/journey-env';
import { startApi } from '../support/service-process';

describe('POST /v1/touchpoints (capture)', () => {
  let t: JourneyEnv;
  beforeAll(async () => {
    t = await startJourneyEnv('capture');
  });
  afterAll(() => t.close());

  const journey = async (externalId: string): Promise<Json> => {
    const response = await t.admin('GET', `/v1/journeys/${externalId}`);
    expect(response.status).toBe(200);
    return json(response);
  };

  it('assigns a new external_id and event_id when none is given', async () => {
    const response = await t.ingest('/v1/touchpoints', { url: 'https://www.shop.test/' });
    expect(response.status).toBe(201);
    const body = await json(response);
    expect(body.external_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.touchpoint_id).toMatch(/^[0-9a-f-]{36}$/);
    expect((await journey(body.external_id)).touchpoints).toHaveLength(1);
  });

  it('builds fbc from the landing fbclid byte-for-byte, dated at landing, and keeps it for the journey', async () => {
    const fbclid = 'IwAR2xYz-AbC_dEf.gh9%2BQ';
    const landedAt = '2026-11-20T10:00:00.123Z';
    const first = await t.ingest('/v1/touchpoints', {
      external_id: 'fbc-visitor',
      url: `https://www.shop.test/offer?utm_source=facebook&utm_medium=paid&fbclid=${fbclid}&gclid=Cj0KCQ`,
      occurred_at: landedAt,
      fbp: 'fb.1.1596403881668.1116446470',
    });
    expect(first.status).toBe(201);
    // URLSearchParams decodes once: %2B becomes +; case and the rest stay untouched.
    const expectedFbc = `fb.1.${Date.parse(landedAt)}.IwAR2xYz-AbC_dEf.gh9+Q`;

    // A reload with the same fbclid an hour later must not re-date the click.
    await t.ingest('/v1/touchpoints', {
      external_id: 'fbc-visitor',
      url: `https://www.shop.test/offer?fbclid=${fbclid}`,
      occurred_at: '2026-11-20T11:00:00.000Z',
    });
    // A later, different click is recorded on its touchpoint; the journey keeps its first fbc.
    await t.ingest('/v1/touchpoints', {
      external_id: 'fbc-visitor',
      url: 'https://www.shop.test/?fbclid=SecondClick',
      occurred_at: '2026-11-20T12:00:00.000Z',
      fbp: 'fb.1.1700000000000.999',
    });

    const view = await journey('fbc-visitor');
    expect(view.fbc).toBe(expectedFbc);
    expect(view.fbc_created_at).toBe(landedAt);
    expect(view.fbp).toBe('fb.1.1596403881668.1116446470');
    expect(view.latest_fbc).toBe(`fb.1.${Date.parse('2026-11-20T12:00:00.000Z')}.SecondClick`);
    const [landing, reload, second] = view.touchpoints;
    expect(landing).toMatchObject({
      fbclid: 'IwAR2xYz-AbC_dEf.gh9+Q',
      gclid: 'Cj0KCQ',
      utm_source: 'facebook',
      utm_medium: 'paid',
      fbc: expectedFbc,
      fbc_created_at: landedAt,
    });
    expect(reload.fbc).toBe(expectedFbc);
    expect(reload.fbc_created_at).toBe(landedAt);
    expect(second.fbp).toBe('fb.1.1700000000000.999');
    const { rows } = await t.sql.query(
      `SELECT first_fbc, first_fbp FROM visitors WHERE external_id = 'fbc-visitor'`,
    );
    expect(rows[0]).toEqual({ first_fbc: expectedFbc, first_fbp: 'fb.1.1596403881668.1116446470' });
  });

  it('keeps a client-sent _fbc verbatim unless the URL carries a different fbclid', async () => {
    const cookie = 'fb.1.1554763741205.AbCdEfGhIjKl.AQQCAQMB';
    await t.ingest('/v1/touchpoints', {
      external_id: 'cookie-visitor',
      url: 'https://www.shop.test/?fbclid=AbCdEfGhIjKl',
      fbc: cookie,
      occurred_at: '2026-11-21T07:00:00.000Z',
    });
    await t.ingest('/v1/touchpoints', {
      external_id: 'cookie-visitor',
      url: 'https://www.shop.test/?fbclid=NewClick',
      fbc: cookie,
      occurred_at: '2026-11-21T08:00:00.000Z',
    });
    const view = await journey('cookie-visitor');
    expect(view.fbc).toBe(cookie);
    expect(view.fbc_created_at).toBe(new Date(1554763741205).toISOString());
    expect(view.touchpoints[1].fbc).toBe(`fb.1.${Date.parse('2026-11-21T08:00:00.000Z')}.NewClick`);
  });

  it('attributes first and last touch to campaign touchpoints; direct visits never overwrite', async () => {
    const id = 'attribution-visitor';
    const touch = (url: string, occurred_at: string) =>
      t.ingest('/v1/touchpoints', { external_id: id, url, occurred_at });
    await touch('https://www.shop.test/', '2026-11-01T09:00:00Z');
    await touch(
      'https://www.shop.test/?utm_source=google&utm_campaign=brand&gclid=G1',
      '2026-11-02T09:00:00Z',
    );
    await touch('https://www.shop.test/?utm_source=newsletter&utm_medium=email', '2026-11-03T09:00:00Z');
    await touch('https://www.shop.test/pricing', '2026-11-04T09:00:00Z');
    await touch('https://www.shop.test/?msclkid=M1&li_fat_id=L1&ttclid=T1', '2026-10-30T09:00:00Z');

    const view = await journey(id);
    expect(view.touchpoint_count).toBe(5);
    expect(view.first_touch).toMatchObject({ msclkid: 'M1', li_fat_id: 'L1', ttclid: 'T1' });
    expect(view.last_touch).toMatchObject({ utm_source: 'newsletter', utm_medium: 'email' });
    expect(view.touchpoints.map((tp: Json) => tp.occurred_at)).toEqual(
      [...view.touchpoints.map((tp: Json) => tp.occurred_at)].sort(),
    );
  });

  it('takes IP and user agent from the body for server calls', async () => {
    await t.ingest('/v1/touchpoints', {
      external_id: 'server-visitor',
      url: 'https://www.shop.test/',
      ip: '2001:db8::7334',
      user_agent: CHROME_UA,
    });
    const view = await journey('server-visitor');
    expect(view.touchpoints[0]).toMatchObject({
      source: 'server',
      ip: '2001:db8::7334',
      user_agent: CHROME_UA,
    });
    expect(view.ip).toBe('2001:db8::7334');
  });

  it('takes IP and user agent from the request for browser calls, honouring X-Forwarded-For from a trusted proxy', async () => {
    const response = await fetch(`${t.api.url}/v1/touchpoints`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain', // what navigator.sendBeacon sends
        origin: BROWSER_ORIGIN,
        'user-agent': CHROME_UA,
        'x-forwarded-for': '203.0.113.9',
      },
      body: JSON.stringify({
        external_id: 'browser-visitor',
        url: 'https://www.shop.test/',
        ip: '198.51.100.1', // ignored: browsers cannot vouch for an IP
        user_agent: 'ignored',
        consent: {
          ad_storage: 'granted',
          ad_user_data: 'denied',
          tcf_string: 'CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA',
        },
      }),
    });
    expect(response.status).toBe(201);
    expect(response.headers.get('access-control-allow-origin')).toBe(BROWSER_ORIGIN);
    const view = await journey('browser-visitor');
    expect(view.touchpoints[0]).toMatchObject({
      source: 'browser',
      ip: '203.0.113.9',
      user_agent: CHROME_UA,
      is_bot: false,
      consent: {
        ad_storage: 'granted',
        ad_user_data: 'denied',
        tcf_string: 'CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA',
      },
    });
    expect(view.consent).toMatchObject({ ad_user_data: 'denied' });
  });

  it('ignores X-Forwarded-For from a proxy that is not trusted', async () => {
    const api = await startApi({ ...t.env, TRUST_PROXY: '10.0.0.1' });
    try {
      const response = await fetch(`${api.url}/v1/touchpoints`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: BROWSER_ORIGIN,
          'x-forwarded-for': '203.0.113.9',
        },
        body: JSON.stringify({ external_id: 'untrusted-proxy-visitor', url: 'https://www.shop.test/' }),
      });
      expect(response.status).toBe(201);
    } finally {
      await api.stop();
    }
    expect((await journey('untrusted-proxy-visitor')).touchpoints[0].ip).toBe('127.0.0.1');
  });

  it('answers CORS preflights for listed origins only, and refuses unlisted browsers', async () => {
    const preflight = (origin: string) =>
      fetch(`${t.api.url}/v1/touchpoints`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    expect((await preflight(BROWSER_ORIGIN)).headers.get('access-control-allow-origin')).toBe(BROWSER_ORIGIN);
    expect((await preflight('https://evil.test')).headers.get('access-control-allow-origin')).toBeNull();

    const before = await t.count('touchpoints');
    const foreign = await fetch(`${t.api.url}/v1/touchpoints`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'https://evil.test' },
      body: JSON.stringify({ url: 'https://evil.test/' }),
    });
    expect(foreign.status).toBe(401);
    const wrongKey = await t.ingest(
      '/v1/touchpoints',
      { url: 'https://www.shop.test/' },
      { 'x-api-key': 'nope' },
    );
    expect(wrongKey.status).toBe(401);
    expect(await t.count('touchpoints')).toBe(before);
  });

  it('records a bot verdict per touchpoint', async () => {
    const agents: [string, boolean, string | null][] = [
      [CHROME_UA, false, null],
      ['Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)', true, 'crawler'],
      [
        'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.0.0 Safari/537.36',
        true,
        'headless',
      ],
    ];
    for (const [ua] of agents) {
      await t.ingest('/v1/touchpoints', {
        external_id: 'bot-check',
        url: 'https://www.shop.test/',
        user_agent: ua,
      });
    }
    await t.ingest('/v1/touchpoints', {
      external_id: 'bot-check',
      url: 'https://www.shop.test/',
      user_agent: CHROME_UA,
      properties: { webdriver: true },
    });
    const verdicts = (await journey('bot-check')).touchpoints.map((tp: Json) => [
      tp.user_agent,
      tp.is_bot,
      tp.bot_reason,
    ]);
    expect(verdicts).toEqual([...agents, [CHROME_UA, true, 'webdriver']]);
  });
  it('writes concurrent touchpoints in shared batches: a visitor seen twice in one batch, an erased id refused alone', async () => {
    await t.ingest('/v1/touchpoints', { external_id: 'batch-erased', url: 'https://www.shop.test/' });
    expect((await t.admin('DELETE', '/v1/journeys/batch-erased')).status).toBe(204);
    const before = await t.count('touchpoints');
    // Sent together, so they share a 2 ms batch: 30 visitors, one of them three times (first landing with an
    // fbclid, then two reloads of the same URL), and the erased id.
    const sends = [
      ...Array.from({ length: 30 }, (_, i) =>
        t.ingest('/v1/touchpoints', {
          external_id: `batch-${i}`,
          url: `https://www.shop.test/?utm_source=b${i}`,
        }),
      ),
      ...['2026-11-20T10:00:00.000Z', '2026-11-20T10:05:00.000Z', '2026-11-20T10:06:00.000Z'].map((at) =>
        t.ingest('/v1/touchpoints', {
          external_id: 'batch-0',
          url: 'https://www.shop.test/?fbclid=Batch-Click_1',
          occurred_at: at,
        }),
      ),
      t.ingest('/v1/touchpoints', { external_id: 'batch-erased', url: 'https://www.shop.test/' }),
    ];
    const statuses = (await Promise.all(sends)).map((response) => response.status);
    expect(statuses).toEqual([...Array(33).fill(201), 410]);
    expect(await t.count('touchpoints')).toBe(before + 33);
    const repeated = await journey('batch-0');
    expect(repeated.touchpoints).toHaveLength(4);
    // Whichever of the three was written first dated the click; the other two reuse its fbc.
    const fbcs = repeated.touchpoints.filter((tp: Json) => tp.fbc).map((tp: Json) => tp.fbc);
    expect(fbcs).toHaveLength(3);
    expect(new Set(fbcs).size).toBe(1);
    expect(fbcs[0]).toMatch(/^fb\.1\.\d{13}\.Batch-Click_1$/);
    expect((await journey('batch-29')).touchpoints[0].utm_source).toBe('b29');
  });
});
