import { buildOutboundMessage, randomSalesforceId } from '@app/crm-testing';
import { ORG_ID, startWebhookEnv, WebhookEnv } from '../support/webhook-env';

describe('Salesforce Outbound Messages: verify, store, acknowledge', () => {
  let t: WebhookEnv;
  beforeAll(async () => {
    t = await startWebhookEnv('salesforce');
  });
  afterAll(() => t.close());
  const events = (provider: string) => t.events(provider);

  describe('Salesforce', () => {
    const message = (organizationId: string, count: number) =>
      buildOutboundMessage({
        organizationId,
        notifications: Array.from({ length: count }, (_, i) => ({
          id: randomSalesforceId('04l'),
          sObjectType: 'Opportunity',
          fields: {
            Id: randomSalesforceId('006'),
            StageName: i === 0 ? 'Closed Won' : 'Qualification',
            IsWon: i === 0,
            Amount: 1000 * (i + 1),
            LastModifiedDate: new Date().toISOString(),
            Journey_External_Id__c: `sf-visitor-${i}`,
          },
        })),
      });
    const send = (xml: string) =>
      fetch(`${t.api.url}/webhooks/salesforce`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', SOAPAction: '""' },
        body: xml,
      });

    it('stores a message with 3 notifications and acknowledges them with one SOAP Ack', async () => {
      const xml = message(ORG_ID.slice(0, 15), 3); // the 15-character form of the configured id
      const response = await send(xml);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/xml');
      expect(await response.text()).toMatch(/<Ack>true<\/Ack>/);
      const stored = await events('salesforce');
      expect(stored.map((event) => [event.event_name, event.hints.external_id]).sort()).toEqual([
        ['DealWon', 'sf-visitor-0'],
        ['QualifiedLead', 'sf-visitor-1'],
        ['QualifiedLead', 'sf-visitor-2'],
      ]);
      // Salesforce retries the same notification ids until it sees the Ack: stored once.
      expect(await (await send(xml)).text()).toMatch(/<Ack>true<\/Ack>/);
      expect(await events('salesforce')).toHaveLength(3);
    });

    it('refuses an unknown organization with 403, storing nothing', async () => {
      const before = await t.count('webhook_deliveries');
      expect((await send(message('00D000000000001AAA', 1))).status).toBe(403);
      expect(await t.count('webhook_deliveries')).toBe(before);
    });

    it('refuses an XML entity attack with 400 without expanding it', async () => {
      const before = await t.count('webhook_deliveries');
      const xxe = message(ORG_ID, 1)
        .replace(
          '<?xml version="1.0" encoding="UTF-8"?>',
          '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        )
        .replace('Closed Won', '&xxe;');
      const response = await send(xxe);
      expect(response.status).toBe(400);
      expect(await response.text()).not.toContain('root:');
      expect(await t.count('webhook_deliveries')).toBe(before);
    });
  });

  it('counts refused organizations in /metrics', async () => {
    const text = await (await fetch(`${t.api.url}/metrics`)).text();
    expect(text).toMatch(
      /journey_webhooks_rejected_total\{provider="salesforce",reason="unknown_organization"\} 1/,
    );
  });

  it('never stores a raw delivery body', async () => {
    const { rows } = await t.sql.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'webhook_deliveries'`,
    );
    expect(rows.map((row) => row.column_name)).not.toContain('body');
  });
});
