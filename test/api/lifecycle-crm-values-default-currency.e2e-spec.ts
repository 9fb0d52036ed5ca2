// Values that arrive with the delivery (HighLevel, Salesforce): the CRM's currency, else DEFAULT_CURRENCY.
import { buildOutboundMessage, randomSalesforceId, signGoHighLevelEd25519 } from '@app/crm-testing';
import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';
import { ed25519, ORG_ID, pem } from '../support/webhook-env';

describe('CRM values with DEFAULT_CURRENCY', () => {
  let t: PipelineEnv;
  beforeAll(async () => {
    t = await startPipelineEnv('crm-values-default', { DEFAULT_CURRENCY: 'GBP' });
  });
  afterAll(() => t?.close());

  const sentFor = (eventId: string) => t.graph.events().filter((event) => event.event_id === eventId);

  it("sends HighLevel's monetaryValue with DEFAULT_CURRENCY, and Salesforce's Amount in its CurrencyIsoCode", async () => {
    await t.landing('visitor-ghl-value', {
      email: 'ghl.value@example.com',
      crm_ids: { ghl_contact_id: 'ghl-c-9' },
    });
    const body = JSON.stringify({
      type: 'OpportunityStatusUpdate',
      locationId: 've9EPM428h8vShlRW1KT',
      id: 'ghl-opp-value',
      contactId: 'ghl-c-9',
      monetaryValue: 40,
      pipelineId: 'pipe-1',
      pipelineStageId: 'stage-1',
      status: 'won',
      timestamp: new Date().toISOString(),
      webhookId: 'wh-value-1',
    });
    const signed = await t.post('/webhooks/gohighlevel', body, {
      'x-ghl-signature': signGoHighLevelEd25519(body, pem(ed25519.privateKey, 'pkcs8')),
    });
    expect(signed.status).toBe(200);
    const goHighLevel = await t.settled('ghl-opp-value');
    expect(goHighLevel).toMatchObject({
      status: 'sent',
      event_name: 'DealWon',
      join_method: 'crm_link',
      note: null,
    });
    expect(sentFor(goHighLevel.event_id)[0].custom_data).toMatchObject({ value: 40, currency: 'GBP' });

    await t.landing('visitor-sf-value');
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
            Amount: 120000,
            CurrencyIsoCode: 'JPY',
            Journey_External_Id__c: 'visitor-sf-value',
          },
        },
      ],
    });
    await fetch(`${t.api.url}/webhooks/salesforce`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: xml,
    });
    const sf = await t.settled(opportunityId);
    expect(sf).toMatchObject({ status: 'sent', event_name: 'DealWon' });
    expect(sentFor(sf.event_id)[0].custom_data).toMatchObject({ value: 120000, currency: 'JPY' });
  });
});
