import {
  buildOutboundMessage,
  randomSalesforceId,
  signGoHighLevelEd25519,
  signHubspotV3,
} from '@app/crm-testing';
import { ServiceProcess, startApi } from '../support/service-process';
import { ed25519, HUBSPOT_SECRET, ORG_ID, pem, rsa } from '../support/webhook-env';

// When Postgres cannot take the delivery, nothing is acknowledged: each CRM gets the status it retries on.
describe('webhooks when the store is down', () => {
  let api: ServiceProcess;
  beforeAll(async () => {
    api = await startApi({
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/unreachable',
      REDIS_URL: 'redis://127.0.0.1:1',
      HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET,
      GHL_WEBHOOK_PUBLIC_KEY: pem(ed25519.publicKey, 'spki'),
      GHL_WEBHOOK_RSA_PUBLIC_KEY: pem(rsa.publicKey, 'spki'),
      SALESFORCE_ORG_IDS: ORG_ID,
    });
  });
  afterAll(() => api.stop());

  it('answers HighLevel 429, the only status it retries', async () => {
    const body = JSON.stringify({
      type: 'OpportunityStatusUpdate',
      locationId: 'loc-1',
      id: 'opp-1',
      contactId: 'c-1',
      status: 'won',
      timestamp: new Date().toISOString(),
      webhookId: 'wh-down',
    });
    const response = await fetch(`${api.url}/webhooks/gohighlevel`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-ghl-signature': signGoHighLevelEd25519(body, pem(ed25519.privateKey, 'pkcs8')),
      },
      body,
    });
    expect(response.status).toBe(429);
  });

  it('answers HubSpot 503 (it retries any non-2xx)', async () => {
    const uri = `${api.url}/webhooks/hubspot`;
    const body = JSON.stringify([
      {
        eventId: 1,
        subscriptionId: 2,
        portalId: 3,
        appId: 4,
        occurredAt: Date.now(),
        subscriptionType: 'deal.propertyChange',
        attemptNumber: 0,
        objectId: 5,
        propertyName: 'dealstage',
        propertyValue: 'closedwon',
      },
    ]);
    const started = Date.now();
    const response = await fetch(uri, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signHubspotV3({ uri, rawBody: body, clientSecret: HUBSPOT_SECRET }),
      },
      body,
    });
    expect(response.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5000); // inside HubSpot's timeout
  });

  it('answers Salesforce without an Ack so it keeps the message queued', async () => {
    const xml = buildOutboundMessage({
      organizationId: ORG_ID,
      notifications: [
        {
          id: randomSalesforceId('04l'),
          sObjectType: 'Opportunity',
          fields: { Id: randomSalesforceId('006'), StageName: 'Closed Won', IsWon: true },
        },
      ],
    });
    const response = await fetch(`${api.url}/webhooks/salesforce`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: xml,
    });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('<Ack>false</Ack>');
  });
});
