import { buildOutboundMessage, randomSalesforceId } from '@app/crm-testing';
import { sha256Hex } from '@app/journey';
import { CHROME_UA, json } from '../support/journey-env';
import { PIXEL_ID, PipelineEnv, startPipelineEnv } from '../support/pipeline-env';
import { ORG_ID, WORKFLOW_SECRET } from '../support/webhook-env';

const EMAIL = 'Deal.Winner@Example.com';
const PHONE = '+1 (415) 555-0199';

describe('lifecycle change → journey join → one rich CAPI event', () => {
  let t: PipelineEnv;
  beforeAll(async () => {
    t = await startPipelineEnv('pipeline', { DEFAULT_CURRENCY: 'USD' });
  });
  afterAll(() => t?.close());

  const sentFor = (eventId: string) => t.graph.events().filter((event) => event.event_id === eventId);

  it("sends one DealWon for a HubSpot closedwon deal, joined through HubSpot's API, with the landing's fbc", async () => {
    await t.landing('visitor-deal', { email: EMAIL, phone: PHONE });
    t.hubspot.addContact({ id: '501', externalId: 'visitor-deal' });
    t.hubspot.addDeal({ id: '9001', contactIds: ['501'] });
    expect((await t.hubspotChange(9001, 'deal.propertyChange', 'dealstage', 'closedwon')).status).toBe(200);

    const event = await t.settled('9001');
    expect(event).toMatchObject({ status: 'sent', join_method: 'crm_api', event_name: 'DealWon' });
    const sent = sentFor(event.event_id);
    expect(sent).toHaveLength(1);
    const { rows } = await t.sql.query(`SELECT first_fbc FROM visitors WHERE external_id = 'visitor-deal'`);
    expect(sent[0]).toMatchObject({
      event_name: 'DealWon',
      action_source: 'system_generated',
      event_time: Math.floor(event.occurred_at.getTime() / 1000),
      user_data: {
        fbc: rows[0].first_fbc,
        fbp: 'fb.1.1700000000000.1234567890',
        client_ip_address: '203.0.113.10',
        client_user_agent: CHROME_UA,
        em: [sha256Hex('deal.winner@example.com')],
        ph: [sha256Hex('14155550199')],
        external_id: [sha256Hex('visitor-deal')],
      },
      custom_data: { event_source: 'crm', lead_event_source: 'HubSpot', first_touch_utm_source: 'facebook' },
    });
    // The journey also holds ph_e164 (Google's and TikTok's phone hash): never part of Meta's user_data.
    expect(Object.keys(sent[0].user_data as object).sort()).toEqual([
      'client_ip_address',
      'client_user_agent',
      'em',
      'external_id',
      'fbc',
      'fbp',
      'ph',
    ]);
    expect(JSON.stringify(t.graph.requests())).not.toContain('Deal.Winner');
    expect(
      t.hubspot
        .requests()
        .every((request) => request.headers.authorization === 'Bearer pat-test-hubspot-token'),
    ).toBe(true);

    const journey = await json(await t.admin('GET', '/v1/journeys/visitor-deal'));
    expect(journey.lifecycle_events).toEqual([
      expect.objectContaining({
        event_name: 'DealWon',
        status: 'sent',
        join_method: 'crm_api',
        event_id: event.event_id,
      }),
    ]);
    expect(journey.dispatches).toEqual([
      expect.objectContaining({
        destination: PIXEL_ID,
        status: 'sent',
        event_id: event.event_id,
        fbtrace_id: expect.any(String),
      }),
    ]);
  });

  it('sends QualifiedLead for a HubSpot lifecycle change joined by a linked CRM contact id', async () => {
    await t.landing('visitor-lead', { email: 'lead@example.com', crm_ids: { hubspot_contact_id: '777' } });
    await t.hubspotChange(777, 'contact.propertyChange', 'lifecyclestage', 'salesqualifiedlead');
    const event = await t.settled('777');
    expect(event).toMatchObject({ status: 'sent', join_method: 'crm_link', event_name: 'QualifiedLead' });
    expect(sentFor(event.event_id)[0].user_data).toMatchObject({ em: [sha256Hex('lead@example.com')] });
  });

  it("joins by email through HubSpot's API when the contact carries no external_id", async () => {
    await t.landing('visitor-email', { email: 'only.email@example.com' });
    t.hubspot.addContact({ id: '601', email: 'ONLY.email@example.com' });
    t.hubspot.addDeal({ id: '9002', contactIds: ['601'] });
    await t.hubspotChange(9002, 'deal.propertyChange', 'dealstage', 'closedwon');
    expect(await t.settled('9002')).toMatchObject({ status: 'sent', join_method: 'email' });
  });

  it('sends DealWon for a HighLevel won opportunity and a Salesforce won opportunity', async () => {
    await t.landing('visitor-ghl', { phone: '+44 20 7946 0000' });
    const body = JSON.stringify({
      contact_id: 'ghl-contact',
      location: { id: 'loc-1' },
      customData: {
        journey_external_id: 'visitor-ghl',
        stage: 'won',
        opportunity_id: 'ghl-opp-1',
        value: '1200',
        currency: 'EUR',
        event_id: 'ghl-evt-1',
      },
    });
    expect(
      (await t.post('/webhooks/gohighlevel', body, { 'x-journey-secret': WORKFLOW_SECRET })).status,
    ).toBe(200);

    await t.landing('visitor-sf');
    const opportunityId = randomSalesforceId('006');
    const xml = buildOutboundMessage({
      organizationId: ORG_ID,
      notifications: [
        {
          id: randomSalesforceId('04l'),
          sObjectType: 'Opportunity',
          fields: {
            Id: opportunityId,
            StageName: 'Closed Won',
            IsWon: true,
            Amount: 5000,
            LastModifiedDate: new Date().toISOString(),
            Journey_External_Id__c: 'visitor-sf',
          },
        },
      ],
    });
    await fetch(`${t.api.url}/webhooks/salesforce`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: xml,
    });

    const ghl = await t.settled('ghl-opp-1');
    expect(ghl).toMatchObject({ status: 'sent', join_method: 'external_id' });
    expect(sentFor(ghl.event_id)[0].custom_data).toMatchObject({
      value: 1200,
      currency: 'EUR',
      lead_event_source: 'GoHighLevel',
    });
    const sf = await t.settled(opportunityId);
    expect(sf).toMatchObject({ status: 'sent', join_method: 'external_id', event_name: 'DealWon' });
    expect(sentFor(sf.event_id)[0].custom_data).toMatchObject({
      value: 5000,
      currency: 'USD', // DEFAULT_CURRENCY: the org is single-currency (no CurrencyIsoCode)
      lead_event_source: 'Salesforce',
    });
  });

  it('sends nothing, with the reason recorded, for denied consent, a bot journey and an 8-day-old change', async () => {
    await t.landing('visitor-denied', {}, { consent: { ad_user_data: 'denied', ad_storage: 'denied' } });
    await t.sql.query(`INSERT INTO crm_links (id, visitor_id, provider, object_type, crm_id)
      SELECT gen_random_uuid(), id, 'hubspot', 'deal', '9101' FROM visitors WHERE external_id = 'visitor-denied'`);
    await t.landing(
      'visitor-bot',
      {},
      {
        user_agent:
          'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/130.0.0.0 Safari/537.36',
      },
    );
    await t.sql.query(`INSERT INTO crm_links (id, visitor_id, provider, object_type, crm_id)
      SELECT gen_random_uuid(), id, 'hubspot', 'deal', '9102' FROM visitors WHERE external_id = 'visitor-bot'`);
    await t.landing('visitor-old');
    await t.sql.query(`INSERT INTO crm_links (id, visitor_id, provider, object_type, crm_id)
      SELECT gen_random_uuid(), id, 'hubspot', 'deal', '9103' FROM visitors WHERE external_id = 'visitor-old'`);
    const before = t.graph.events().length;

    await t.hubspotChange(9101, 'deal.propertyChange', 'dealstage', 'closedwon');
    await t.hubspotChange(9102, 'deal.propertyChange', 'dealstage', 'closedwon');
    await t.hubspotChange(
      9103,
      'deal.propertyChange',
      'dealstage',
      'closedwon',
      Date.now() - 8 * 24 * 3600_000,
    );

    expect(await t.settled('9101')).toMatchObject({
      status: 'blocked_consent',
      status_reason: expect.any(String),
    });
    expect(await t.settled('9102')).toMatchObject({
      status: 'blocked_bot',
      status_reason: expect.any(String),
    });
    expect(await t.settled('9103')).toMatchObject({ status: 'expired', status_reason: expect.any(String) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.graph.events().length).toBe(before);
  });

  it('keeps an unjoined change and sends it once a form brings the email HubSpot knows', async () => {
    t.hubspot.addContact({ id: '901', email: 'late.form@example.com' });
    t.hubspot.addDeal({ id: '9201', contactIds: ['901'] });
    await t.hubspotChange(9201, 'deal.propertyChange', 'dealstage', 'closedwon');
    const first = await t.settled('9201', ['unjoined']);
    expect(first.status_reason).toContain('no journey');
    expect(first.hints.email_hashes).toEqual([sha256Hex('late.form@example.com')]);

    await t.landing('visitor-late', { email: 'Late.Form@example.com' });
    expect(await t.settled('9201', ['sent'])).toMatchObject({ status: 'sent', join_method: 'email' });
  });

  it('reports pipeline figures and match-key coverage on /metrics', async () => {
    const text = await (await fetch(`${t.api.url}/metrics`)).text();
    expect(text).toMatch(/journey_lifecycle_events\{provider="hubspot",status="sent"\} [1-9]/);
    expect(text).toMatch(/journey_lifecycle_events\{provider="hubspot",status="blocked_consent"\} 1/);
    expect(text).toMatch(/journey_lifecycle_join_methods\{join_method="crm_api"\} [1-9]/);
    expect(text).toMatch(/journey_capi_graph_requests\{outcome="accepted"\} [1-9]/);
    expect(text).toMatch(/journey_match_key_coverage\{event_name="DealWon",key="fbc"\} 1/);
    expect(text).toMatch(/journey_match_key_coverage\{event_name="DealWon",key="external_id"\} 1/);
    expect(text).toMatch(/journey_queue_jobs\{queue="dispatch",state="completed"\} [1-9]/);
    expect(text).toMatch(/journey_queue_oldest_waiting_seconds\{queue="lifecycle"\} 0/);
  });
});
