import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildOutboundMessage, randomSalesforceId } from '@app/crm-testing';
import { sha256Hex } from '@app/journey';
import { ADMIN_TOKEN, json } from '../support/journey-env';
import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';
import { ORG_ID, WORKFLOW_SECRET } from '../support/webhook-env';

const LEAD_ID = '1234567890123456';
const CRM_LEAD_ID = '98765432109876543';

/** Pipeline 555: its own QualifiedLead stage, and closedwon there is a Purchase; elsewhere the defaults hold. */
const STAGE_RULES = {
  hubspot: [
    {
      objectType: 'deal',
      stageField: 'dealstage',
      stage: '777001',
      pipeline: '555',
      eventName: 'QualifiedLead',
    },
    {
      objectType: 'deal',
      stageField: 'dealstage',
      stage: 'closedwon',
      pipeline: '555',
      eventName: 'Purchase',
    },
  ],
};

// No DEFAULT_CURRENCY here: a value without a currency is left out, and the event says why.
describe('CRM values, pipelines, validation and the envelope of dispatched events', () => {
  let t: PipelineEnv;
  beforeAll(async () => {
    const stageMapFile = join(mkdtempSync(join(tmpdir(), 'stages-')), 'stages.json');
    writeFileSync(stageMapFile, JSON.stringify(STAGE_RULES));
    t = await startPipelineEnv('crm-values', {
      STAGE_MAP_FILE: stageMapFile,
      HUBSPOT_LEAD_ID_PROPERTY: 'meta_lead_id',
      SALESFORCE_LEAD_ID_FIELD: 'Meta_Lead_Id__c',
    });
  });
  afterAll(() => t?.close());

  const sentFor = (eventId: string) => t.graph.events().filter((event) => event.event_id === eventId);
  const requestOf = (eventId: string) =>
    t.graph.requests().find((request) => JSON.stringify(request.body.data).includes(eventId))!;
  const linkDeal = (externalId: string, dealId: string) =>
    t.sql.query(
      `INSERT INTO crm_links (id, visitor_id, provider, object_type, crm_id)
       SELECT gen_random_uuid(), id, 'hubspot', 'deal', $2 FROM visitors WHERE external_id = $1`,
      [externalId, dealId],
    );

  it("sends a HubSpot closedwon as DealWon with the deal's value and currency, read with its contacts once (a deal and an associations batch read)", async () => {
    await t.landing('visitor-value', { email: 'value@example.com', lead_id: LEAD_ID });
    t.hubspot.addContact({ id: '5001', externalId: 'visitor-value' });
    t.hubspot.addDeal({
      id: '8001',
      amount: '5000',
      currency: 'EUR',
      pipeline: 'default',
      contactIds: ['5001'],
    });
    await t.landing('visitor-home', { email: 'home@example.com' });
    await linkDeal('visitor-home', '8002');
    t.hubspot.addDeal({ id: '8002', amount: '1250.50', pipeline: 'default', contactIds: [] });

    await t.hubspotChange(8001, 'deal.propertyChange', 'dealstage', 'closedwon');
    await t.hubspotChange(8002, 'deal.propertyChange', 'dealstage', 'closedwon');
    const own = await t.settled('8001');
    expect(own).toMatchObject({
      status: 'sent',
      event_name: 'DealWon',
      join_method: 'crm_api',
      currency: 'EUR',
    });
    expect(sentFor(own.event_id)[0]).toMatchObject({
      custom_data: { value: 5000, currency: 'EUR', event_source: 'crm', lead_event_source: 'HubSpot' },
      user_data: { lead_id: LEAD_ID, em: [sha256Hex('value@example.com')] },
    });
    // The deal has no currency of its own: its amount is in the portal's company currency (the fake's USD).
    const home = await t.settled('8002');
    expect(home).toMatchObject({ status: 'sent', join_method: 'crm_link', pipeline: 'default' });
    expect(sentFor(home.event_id)[0].custom_data).toMatchObject({ value: 1250.5, currency: 'USD' });

    // Deals are read by batch reads (ids in the POSTed body); the start-up sweep's deals search is not one.
    const readsOf8001 = (path: string) =>
      t.hubspot
        .requests()
        .filter((request) => request.method === 'POST' && request.path === path)
        .map(
          (request) =>
            JSON.parse(request.body ?? '{}') as { properties?: string[]; inputs?: { id: string }[] },
        )
        .filter((body) => body.inputs?.some((input) => input.id === '8001'));
    const dealReads = readsOf8001('/crm/v3/objects/deals/batch/read');
    expect(dealReads).toHaveLength(1);
    expect(dealReads[0].properties).toEqual(
      expect.arrayContaining([
        'amount',
        'deal_currency_code',
        'amount_in_home_currency',
        'pipeline',
        'meta_lead_id',
      ]),
    );
    // Its contacts come with it: one associations batch read, never the paged per-deal read.
    expect(readsOf8001('/crm/v4/associations/deals/contacts/batch/read')).toHaveLength(1);
    expect(t.hubspot.requests().some((request) => request.path.startsWith('/crm/v4/objects/'))).toBe(false);
    expect(requestOf(own.event_id).body.partner_agent).toBe('journey-store-0.1.0');
  });

  it('applies a pipeline-specific rule to subscription events once the worker has read the pipeline', async () => {
    for (const id of ['8101', '8102', '8103']) {
      await t.landing(`visitor-${id}`);
      await linkDeal(`visitor-${id}`, id);
    }
    t.hubspot.addDeal({ id: '8101', pipeline: '555', contactIds: [] });
    t.hubspot.addDeal({ id: '8102', pipeline: '555', amount: '99', contactIds: [] });
    t.hubspot.addDeal({ id: '8103', pipeline: 'default', contactIds: [] });
    await t.hubspotChange(8101, 'deal.propertyChange', 'dealstage', '777001');
    await t.hubspotChange(8102, 'deal.propertyChange', 'dealstage', 'closedwon');
    await t.hubspotChange(8103, 'deal.propertyChange', 'dealstage', '777001');

    const qualified = await t.settled('8101');
    expect(qualified).toMatchObject({ status: 'sent', event_name: 'QualifiedLead', pipeline: '555' });
    expect(sentFor(qualified.event_id)).toHaveLength(1);
    const purchase = await t.settled('8102');
    expect(purchase).toMatchObject({ status: 'sent', event_name: 'Purchase', pipeline: '555' });
    expect(sentFor(purchase.event_id)[0].custom_data).toMatchObject({ value: 99, currency: 'USD' });
    const elsewhere = await t.settled('8103', ['unmapped']);
    expect(elsewhere).toMatchObject({ event_name: null, pipeline: 'default' });
    expect(elsewhere.status_reason).toBe('no event is mapped to deal dealstage = 777001 in pipeline default');
  });

  it('leaves a value without a currency out and says why; sends lead ids from HubSpot and Salesforce', async () => {
    await t.landing('visitor-nocur');
    const body = JSON.stringify({
      contact_id: 'ghl-nocur',
      location: { id: 'loc-1' },
      customData: {
        journey_external_id: 'visitor-nocur',
        stage: 'won',
        opportunity_id: 'ghl-opp-nocur',
        value: '700',
        event_id: 'ghl-evt-nocur',
      },
    });
    expect(
      (await t.post('/webhooks/gohighlevel', body, { 'x-journey-secret': WORKFLOW_SECRET })).status,
    ).toBe(200);
    const goHighLevel = await t.settled('ghl-opp-nocur');
    expect(goHighLevel.status).toBe('sent');
    expect(sentFor(goHighLevel.event_id)[0].custom_data).not.toHaveProperty('value');
    const journey = await json(await t.admin('GET', '/v1/journeys/visitor-nocur'));
    expect(journey.lifecycle_events[0]).toMatchObject({
      status: 'sent',
      value: 700,
      note: 'value 700 left out: the CRM sent no currency and DEFAULT_CURRENCY is not set',
    });

    await t.landing('visitor-hs-lead');
    t.hubspot.addContact({
      id: '5301',
      externalId: 'visitor-hs-lead',
      properties: { meta_lead_id: CRM_LEAD_ID },
    });
    t.hubspot.addDeal({ id: '8301', pipeline: 'default', contactIds: ['5301'] });
    await t.hubspotChange(8301, 'deal.propertyChange', 'dealstage', 'closedwon');
    const hs = await t.settled('8301');
    expect(hs).toMatchObject({ status: 'sent', lead_id: CRM_LEAD_ID });
    expect(sentFor(hs.event_id)[0].user_data).toMatchObject({ lead_id: CRM_LEAD_ID });

    await t.landing('visitor-sf-lead');
    const leadId = randomSalesforceId('00Q');
    const xml = (metaLeadId: string, id = leadId) =>
      buildOutboundMessage({
        organizationId: ORG_ID,
        notifications: [
          {
            id: randomSalesforceId('04l'),
            sObjectType: 'Lead',
            fields: {
              Id: id,
              Status: 'Qualified',
              Journey_External_Id__c: 'visitor-sf-lead',
              Meta_Lead_Id__c: metaLeadId,
            },
          },
        ],
      });
    const post = (body: string) =>
      fetch(`${t.api.url}/webhooks/salesforce`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml' },
        body,
      });
    expect((await post(xml(CRM_LEAD_ID))).status).toBe(200);
    const sf = await t.settled(leadId);
    expect(sf).toMatchObject({ status: 'sent', event_name: 'QualifiedLead', lead_id: CRM_LEAD_ID });
    expect(sentFor(sf.event_id)[0].user_data).toMatchObject({ lead_id: CRM_LEAD_ID });

    const otherLead = randomSalesforceId('00Q');
    await post(xml('L-2231', otherLead));
    const bad = await t.settled(otherLead);
    expect(bad).toMatchObject({
      status: 'sent',
      note: 'lead_id from Salesforce field Meta_Lead_Id__c left out: not a Meta Lead Ads id (15-17 digits)',
    });
    expect(sentFor(bad.event_id)[0].user_data).not.toHaveProperty('lead_id');
  });

  it('parks an event that fails validation as invalid, and still sends the rest of its batch', async () => {
    const events = [];
    for (const id of ['8401', '8402', '8403']) {
      await t.landing(`visitor-${id}`, { email: `${id}@example.com` });
      await linkDeal(`visitor-${id}`, id);
      t.hubspot.addDeal({ id, pipeline: 'default', contactIds: [] });
      await t.hubspotChange(Number(id), 'deal.propertyChange', 'dealstage', 'closedwon');
      events.push(await t.settled(id));
    }
    // A payload stored by an older build with a raw email in it: it must never reach Meta.
    await t.sql.query(
      `UPDATE dispatches SET payload = jsonb_set(payload, '{user_data,em}', '["8402@example.com"]')
       WHERE lifecycle_event_id = $1`,
      [events[1].id],
    );
    const before = t.graph.requests().length;
    const replay = await fetch(`${t.api.url}/v1/admin/replays`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ lifecycle_event_ids: events.map((event) => event.id) }),
    });
    expect(await json(replay)).toMatchObject({ enqueued: 3 });

    const parked = await t.settled('8402', ['invalid']);
    expect(parked.status_reason).toBe(
      'not sent: the event failed validation before sending (user_data_not_hashed:em)',
    );
    await t.settled('8401', ['sent']);
    await t.settled('8403', ['sent']);
    const deadline = Date.now() + 10_000;
    while (
      t.graph
        .requests()
        .slice(before)
        .flatMap((r) => r.body.data as object[]).length < 2
    ) {
      if (Date.now() > deadline) throw new Error('the rest of the batch was not sent again');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const resent = t.graph.requests().slice(before);
    const resentIds = resent.flatMap((request) =>
      (request.body.data as { event_id: string }[]).map((e) => e.event_id),
    );
    expect(resentIds.sort()).toEqual([events[0].event_id, events[2].event_id].sort());
    expect(JSON.stringify(resent)).not.toContain('8402@example.com');
    expect(resent.every((request) => request.body.partner_agent === 'journey-store-0.1.0')).toBe(true);
    const { rows } = await t.sql.query(
      `SELECT status, status_reason FROM dispatches WHERE lifecycle_event_id = $1`,
      [events[1].id],
    );
    expect(rows[0]).toMatchObject({ status: 'parked', status_reason: parked.status_reason });
  });
});
