// One CRM stage change reaches every ad platform whose click or keys the journey holds (issue 14): Google Ads
// (Data Manager), TikTok and LinkedIn next to Meta, each through its own queue, decided and recorded per
// destination, a failing or paused one never holding the others.
import { sha256Hex } from '@app/journey';
import { FakeGoogleDataManager } from '../fakes/google-data-manager';
import { FakeLinkedInApi } from '../fakes/linkedin-api';
import { FakeTikTokApi } from '../fakes/tiktok-api';
import { ADMIN_TOKEN } from '../support/journey-env';
import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';

const GOOGLE = {
  clientId: 'google-client-1',
  clientSecret: 'google-secret-1',
  refreshToken: 'google-refresh-1',
};
const CUSTOMER_ID = '1234567890';
const TIKTOK_TOKEN = 'tiktok-token-0123456789';
const TIKTOK_PIXEL = 'C0TIKTOKPIXEL1';
const LINKEDIN_TOKEN = 'linkedin-token-0123456789';

describe('destinations: Meta, Google Ads, TikTok and LinkedIn from one CRM change', () => {
  let t: PipelineEnv;
  const google = new FakeGoogleDataManager({
    ...GOOGLE,
    customerId: CUSTOMER_ID,
    conversionActionIds: ['456', '123'],
  });
  const tiktok = new FakeTikTokApi({ accessToken: TIKTOK_TOKEN, eventSourceIds: [TIKTOK_PIXEL] });
  const linkedin = new FakeLinkedInApi({ accessToken: LINKEDIN_TOKEN });

  beforeAll(async () => {
    const [g, tt, li] = await Promise.all([google.start(), tiktok.start(), linkedin.start()]);
    t = await startPipelineEnv('destinations', {
      DEFAULT_CURRENCY: 'USD',
      GOOGLE_OAUTH_CLIENT_ID: GOOGLE.clientId,
      GOOGLE_OAUTH_CLIENT_SECRET: GOOGLE.clientSecret,
      GOOGLE_OAUTH_REFRESH_TOKEN: GOOGLE.refreshToken,
      GOOGLE_OAUTH_TOKEN_URL: g.tokenUrl,
      GOOGLE_DATA_MANAGER_URL: g.url,
      GOOGLE_ADS_CUSTOMER_ID: CUSTOMER_ID,
      GOOGLE_CONVERSION_ACTIONS: 'QualifiedLead=123,DealWon=456',
      TIKTOK_ACCESS_TOKEN: TIKTOK_TOKEN,
      TIKTOK_PIXEL_CODE: TIKTOK_PIXEL,
      TIKTOK_API_URL: tt.url,
      LINKEDIN_ACCESS_TOKEN: LINKEDIN_TOKEN,
      LINKEDIN_CONVERSION_RULES: 'QualifiedLead=104012,DealWon=104013',
      LINKEDIN_API_URL: li.url,
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([google.stop(), tiktok.stop(), linkedin.stop()]);
  });

  const dispatchesOf = async (objectId: string) =>
    (
      await t.sql.query(
        `SELECT d.platform, d.status, d.status_reason FROM dispatches d
         JOIN lifecycle_events l ON l.id = d.lifecycle_event_id WHERE l.object_id = $1 ORDER BY d.platform`,
        [objectId],
      )
    ).rows as { platform: string; status: string; status_reason: string | null }[];

  /** Waits until no dispatch of the object is still queued. */
  async function dispatched(objectId: string, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rows = await dispatchesOf(objectId);
      if (rows.length && rows.every((row) => row.status !== 'queued')) return rows;
      if (Date.now() > deadline)
        throw new Error(`dispatches of ${objectId} still queued: ${JSON.stringify(rows)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  async function wonDeal(
    externalId: string,
    dealId: number,
    landingUrl: string,
    form: Record<string, unknown>,
  ) {
    await t.landing(externalId, form, { url: landingUrl });
    t.hubspot.addContact({ id: `c-${dealId}`, externalId });
    t.hubspot.addDeal({ id: String(dealId), contactIds: [`c-${dealId}`], amount: '5000', currency: 'USD' });
    expect((await t.hubspotChange(dealId, 'deal.propertyChange', 'dealstage', 'closedwon')).status).toBe(200);
    return t.settled(String(dealId), ['sent', 'not_sent', 'failed', 'unjoined']);
  }

  it('sends a gclid journey with an email to Google (its action, hashed keys, value) and to Meta', async () => {
    const event = await wonDeal('g-visitor', 7001, 'https://www.shop.test/?gclid=Cj0KCQ-test-gclid', {
      email: 'Jane.Doe+ads@gmail.com',
      phone: '+1 415 555 0101',
    });
    expect(event.status).toBe('sent');
    const rows = await dispatched('7001');
    expect(rows.map((row) => [row.platform, row.status])).toEqual([
      ['google', 'sent'],
      ['linkedin', 'sent'], // LinkedIn matches on the email alone
      ['meta', 'sent'],
      ['tiktok', 'sent'], // TikTok on email/phone
    ]);
    const ingest = google.requests().filter((request) => request.endpoint === 'ingest');
    expect(ingest).toHaveLength(1);
    const body = ingest[0].body as {
      destinations: { productDestinationId: string; operatingAccount: { accountId: string } }[];
      events: Record<string, unknown>[];
    };
    expect(body.destinations).toEqual([
      expect.objectContaining({
        productDestinationId: '456',
        operatingAccount: expect.objectContaining({ accountId: CUSTOMER_ID }),
      }),
    ]);
    expect(body.events[0]).toMatchObject({
      transactionId: event.event_id,
      adIdentifiers: { gclid: 'Cj0KCQ-test-gclid' },
      conversionValue: 5000,
      currency: 'USD',
    });
    const identifiers = JSON.stringify(body.events[0].userData);
    expect(identifiers).toContain(sha256Hex('janedoe@gmail.com')); // Google's gmail rule
    expect(identifiers).toContain(sha256Hex('+14155550101')); // E.164 with its +
    expect(t.graph.events().filter((sent) => sent.event_id === event.event_id)).toHaveLength(1);
  });

  it("erasing a journey cuts its events out of every platform's stored requests", async () => {
    const { rows } = await t.sql.query(`SELECT event_id FROM lifecycle_events WHERE object_id = '7001'`);
    const eventId = rows[0].event_id as string;
    const stored = async () =>
      (
        await t.sql.query(`SELECT platform, request_body::text AS body FROM destination_requests`)
      ).rows.filter((row: { body: string }) => row.body.includes(eventId));
    expect((await stored()).map((row: { platform: string }) => row.platform).sort()).toEqual([
      'google',
      'linkedin',
      'meta',
      'tiktok',
    ]);
    expect((await t.admin('DELETE', '/v1/journeys/g-visitor')).status).toBe(204);
    expect(await stored()).toEqual([]);
  });

  it('sends a ttclid journey to TikTok with its ttclid, and a li_fat_id journey to LinkedIn with it', async () => {
    await wonDeal('tt-visitor', 7002, 'https://www.shop.test/?ttclid=E.C.P.tt-click-1', {
      email: 'tt@example.com',
    });
    await wonDeal('li-visitor', 7003, 'https://www.shop.test/?li_fat_id=li-click-uuid-1', {
      email: 'li@example.com',
    });
    await dispatched('7002');
    await dispatched('7003');
    const ttEvent = tiktok.events().find((sent) => JSON.stringify(sent).includes('E.C.P.tt-click-1'));
    expect(ttEvent).toMatchObject({
      event: 'DealWon',
      user: expect.objectContaining({ ttclid: 'E.C.P.tt-click-1' }),
    });
    const liEvent = linkedin.events().find((sent) => JSON.stringify(sent).includes('li-click-uuid-1'));
    expect(liEvent).toMatchObject({ conversion: 'urn:lla:llaPartnerConversion:104013' });
    expect(JSON.stringify(liEvent)).toContain(sha256Hex('li@example.com'));
  });

  it("sends a TikTok test event from the console's set-up page, and says LinkedIn has no test mode", async () => {
    const basic = `Basic ${Buffer.from(`admin:${ADMIN_TOKEN}`).toString('base64')}`;
    const setup = await (
      await fetch(`${t.api.url}/admin/setup`, { headers: { authorization: basic } })
    ).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(setup)![1];
    const post = (fields: Record<string, string>) =>
      fetch(`${t.api.url}/admin/setup/test-event`, {
        method: 'POST',
        headers: {
          authorization: basic,
          'content-type': 'application/x-www-form-urlencoded',
          'sec-fetch-site': 'same-origin',
        },
        body: new URLSearchParams({ csrf, ...fields }).toString(),
      });
    const answer = await post({ platform: 'tiktok', test_event_code: 'TT-TEST-1' });
    expect((await answer.text()).replace(/\s+/g, ' ')).toContain('1 queued again');
    const deadline = Date.now() + 10_000;
    while (!tiktok.requests().some((request) => request.body.test_event_code === 'TT-TEST-1')) {
      if (Date.now() > deadline) throw new Error('no TikTok test event');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const refused = await post({ platform: 'linkedin' });
    expect((await refused.text()).replace(/\s+/g, ' ')).toContain('LinkedIn has no test mode');
  });

  it('sends a journey with only an fbclid to Meta alone; the others record "nothing to match on"', async () => {
    const event = await wonDeal('fb-only', 7004, 'https://www.shop.test/?fbclid=IwAR-fb-only', {});
    expect(event.status).toBe('sent');
    const rows = await dispatched('7004');
    expect(rows.find((row) => row.platform === 'meta')?.status).toBe('sent');
    for (const platform of ['google', 'linkedin', 'tiktok']) {
      const row = rows.find((entry) => entry.platform === platform)!;
      expect(row.status).toBe('skipped');
      expect(row.status_reason).toMatch(/nothing .* can match on/);
    }
    const journey = (await (await t.admin('GET', '/v1/journeys/fb-only')).json()) as {
      dispatches: { platform: string }[];
    };
    expect(journey.dispatches.map((dispatch: { platform: string }) => dispatch.platform).sort()).toEqual([
      'google',
      'linkedin',
      'meta',
      'tiktok',
    ]);
  });

  it("keeps Meta's latency while Google answers 500, and a revoked LinkedIn token pauses LinkedIn only", async () => {
    google.failFor('internal', 60_000);
    linkedin.revokeToken();
    const started = Date.now();
    await wonDeal('slow-google', 7005, 'https://www.shop.test/?gclid=Cj0-slow&li_fat_id=li-slow', {
      email: 'slow@example.com',
    });
    const metaAt = async () => {
      for (;;) {
        const rows = await dispatchesOf('7005');
        const meta = rows.find((row) => row.platform === 'meta');
        if (meta?.status === 'sent') return Date.now() - started;
        if (Date.now() - started > 15_000) throw new Error(`Meta not sent: ${JSON.stringify(rows)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    expect(await metaAt()).toBeLessThan(5_000);
    const rows = await dispatchesOf('7005');
    expect(rows.find((row) => row.platform === 'google')?.status).toBe('queued'); // retried with back-off
    expect(rows.find((row) => row.platform === 'tiktok')?.status).toBe('sent');
    const pauses = await t.sql.query('SELECT platform, reason FROM destination_pauses');
    expect(pauses.rows).toEqual([{ platform: 'linkedin', reason: expect.stringMatching(/REVOKED|revoked/) }]);
  });
});
