import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { buildOutboundMessage, randomSalesforceId } from '@app/crm-testing';
import { sha256Hex } from '@app/journey';
import { Queue } from 'bullmq';
// The queue names only: @app/queues' index would load Nest, which Jest does not.
import { CRM_RECONCILE_QUEUE, CRM_RECONCILE_SCHEDULER_ID } from '../../libs/queues/src/crm-reconcile';
import { FakeGoHighLevelApi } from '../fakes/gohighlevel-api';
import { FakeSalesforceApi } from '../fakes/salesforce-api';
import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';
import { startWorker } from '../support/service-process';
import { ORG_ID } from '../support/webhook-env';

const SF_CLIENT_ID = 'fake-client-id-0001';
const SF_CLIENT_SECRET = 'fake-client-secret-0001';
const GHL_TOKEN = 'pit-test-highlevel-token';
const GHL_FIELD = 'journeyExternalIdField';

describe('CRM reconciliation: changes whose webhook never came, found by the sweep (npm run crm:backfill)', () => {
  let t: PipelineEnv;
  const salesforce = new FakeSalesforceApi({ clientId: SF_CLIENT_ID, clientSecret: SF_CLIENT_SECRET });
  const highlevel = new FakeGoHighLevelApi({ token: GHL_TOKEN });

  beforeAll(async () => {
    const [{ url }, { url: ghlUrl }] = await Promise.all([salesforce.start(), highlevel.start()]);
    t = await startPipelineEnv('reconcile', {
      DEFAULT_CURRENCY: 'USD',
      SALESFORCE_LOGIN_URL: url,
      SALESFORCE_CLIENT_ID: SF_CLIENT_ID,
      SALESFORCE_CLIENT_SECRET: SF_CLIENT_SECRET,
      GHL_API_URL: ghlUrl,
      GHL_API_TOKEN: GHL_TOKEN,
      GHL_LOCATION_ID: highlevel.locationId,
      GHL_EXTERNAL_ID_FIELD: GHL_FIELD,
      CRM_RECONCILE_MINUTES: '5',
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([salesforce.stop(), highlevel.stop()]);
  });

  /** `npm run crm:backfill -- --crm <crm> --since <since>` with the services' environment. */
  const backfill = async (crm: string, since = '1d') => {
    const { stdout } = await promisify(execFile)(
      'node',
      ['scripts/crm-backfill.js', '--crm', crm, '--since', since],
      {
        env: { PATH: process.env.PATH ?? '', ...t.env, LOG_LEVEL: 'info' },
      },
    );
    return stdout;
  };
  const rowsOf = async (objectId: string) =>
    (await t.sql.query('SELECT * FROM lifecycle_events WHERE object_id = $1', [objectId])).rows;
  const sentFor = (eventId: string) => t.graph.events().filter((event) => event.event_id === eventId);

  it('sends a HubSpot deal moved to closedwon that never arrived by webhook, joined through the API', async () => {
    await t.landing('visitor-swept', { email: 'swept@example.com' });
    t.hubspot.addContact({ id: '601', externalId: 'visitor-swept' });
    t.hubspot.addDeal({ id: '9101', pipeline: 'default', amount: '750', contactIds: ['601'] });
    t.hubspot.setStage('deal', '9101', 'closedwon', new Date(Date.now() - 120_000));

    const output = await backfill('hubspot');
    expect(output).toContain('HubSpot backfill done');

    const event = await t.settled('9101');
    expect(event).toMatchObject({ status: 'sent', join_method: 'crm_api', event_name: 'DealWon' });
    const sent = sentFor(event.event_id);
    expect(sent).toHaveLength(1);
    expect(sent[0].user_data).toMatchObject({ external_id: [sha256Hex('visitor-swept')] });
    expect(sent[0].custom_data).toMatchObject({ value: 750, currency: 'USD', lead_event_source: 'HubSpot' });
    const { rows } = await t.sql.query(
      `SELECT d.scheme, d.provider, d.tenant, e.source FROM webhook_deliveries d JOIN lifecycle_events e ON e.delivery_id = d.id
       WHERE e.object_id = '9101'`,
    );
    expect(rows).toEqual([{ scheme: 'backfill', provider: 'hubspot', tenant: '62515', source: 'backfill' }]);
    const cursor = await t.sql.query(
      `SELECT cursor FROM crm_reconcile_cursors WHERE provider = 'hubspot' AND object_type = 'deal'`,
    );
    expect(cursor.rows).toHaveLength(1);
  });

  it('stores a change that arrives by webhook and by the sweep once, in either order', async () => {
    await t.landing('visitor-both', { email: 'both@example.com' });
    t.hubspot.addContact({ id: '602', externalId: 'visitor-both' });
    t.hubspot.addDeal({ id: '9102', contactIds: ['602'] });
    t.hubspot.addDeal({ id: '9103', contactIds: ['602'] });
    const at = new Date(Date.now() - 60_000);
    t.hubspot.setStage('deal', '9102', 'closedwon', at);
    t.hubspot.setStage('deal', '9103', 'qualifiedtobuy', at);

    // Webhook first, then the sweep.
    expect(
      (await t.hubspotChange(9102, 'deal.propertyChange', 'dealstage', 'closedwon', at.getTime())).status,
    ).toBe(200);
    await t.settled('9102');
    await backfill('hubspot');
    expect(await rowsOf('9102')).toHaveLength(1);

    // The sweep first, then the webhook: recognised as a duplicate.
    await backfill('hubspot');
    const late = await t.hubspotChange(
      9103,
      'deal.propertyChange',
      'dealstage',
      'qualifiedtobuy',
      at.getTime(),
    );
    expect(await late.json()).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await rowsOf('9103')).toHaveLength(1);
    const event = await t.settled('9103');
    expect(sentFor(event.event_id)).toHaveLength(1);
  });

  it("joins a Salesforce opportunity through the API client's contact roles; the sweep then knows it", async () => {
    await t.landing('visitor-sf', { email: 'sf.buyer@example.com' });
    const opportunityId = randomSalesforceId('006');
    const contactId = randomSalesforceId('003');
    salesforce.add('Opportunity', { Id: opportunityId, StageName: 'Closed Won', IsWon: true, Amount: 2500 });
    salesforce.addContactRole(opportunityId, randomSalesforceId('003'));
    salesforce.addContactRole(opportunityId, contactId, true);
    salesforce.add('Contact', { Id: contactId, Journey_External_Id__c: 'visitor-sf' });
    const xml = buildOutboundMessage({
      organizationId: ORG_ID,
      notifications: [
        {
          id: randomSalesforceId('04l'),
          sObjectType: 'Opportunity',
          fields: { Id: opportunityId, StageName: 'Closed Won', IsWon: true, Amount: 2500 },
        },
      ],
    });
    const answer = await fetch(`${t.api.url}/webhooks/salesforce`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: xml,
    });
    expect(answer.status).toBe(200);

    const event = await t.settled(opportunityId);
    expect(event).toMatchObject({ status: 'sent', join_method: 'crm_api', event_name: 'DealWon' });
    expect(sentFor(event.event_id)[0].user_data).toMatchObject({ external_id: [sha256Hex('visitor-sf')] });
    const queries = salesforce.requests().map((request) => request.query.q ?? '');
    expect(queries.some((q) => q.includes('FROM OpportunityContactRoles'))).toBe(true);

    const output = await backfill('salesforce');
    expect(output).toMatch(/Salesforce backfill done: \d+ changes found, 0 stored, 1 already known/);
    expect(await rowsOf(opportunityId)).toHaveLength(1);
  });

  it('sweeps HighLevel as a worker starts: a won opportunity joined through its contact', async () => {
    await t.landing('visitor-ghl', { email: 'ghl.buyer@example.com' });
    const wonAt = new Date(Date.now() - 60_000).toISOString();
    highlevel.addContact({ id: 'ghl-contact-1', customFields: [{ id: GHL_FIELD, value: 'visitor-ghl' }] });
    highlevel.addOpportunity({
      id: 'ghl-opp-swept',
      contactId: 'ghl-contact-1',
      status: 'won',
      monetaryValue: 300,
      lastStatusChangeAt: wonAt,
      updatedAt: wonAt,
    });
    await t.worker.stop();
    t.worker = startWorker(t.env);

    const event = await t.settled('ghl-opp-swept');
    expect(event).toMatchObject({ status: 'sent', join_method: 'crm_api', event_name: 'DealWon' });
    expect(sentFor(event.event_id)[0].custom_data).toMatchObject({
      value: 300,
      lead_event_source: 'GoHighLevel',
    });
    expect(t.worker.output()).toMatch(/gohighlevel sweep: \d+ changes in the window, 1 stored/);
    expect(highlevel.requests().every((request) => request.headers.version === '2021-07-28')).toBe(true);
  });

  it('schedules the sweep once for all workers, every CRM_RECONCILE_MINUTES', async () => {
    const queue = new Queue(CRM_RECONCILE_QUEUE, {
      connection: { url: t.env.REDIS_URL },
      prefix: t.env.QUEUE_PREFIX,
    });
    try {
      expect(await queue.getJobSchedulers()).toEqual([
        expect.objectContaining({ key: CRM_RECONCILE_SCHEDULER_ID, every: 5 * 60_000 }),
      ]);
    } finally {
      await queue.close();
    }
  });
});
