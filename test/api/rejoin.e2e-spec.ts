import { buildOutboundMessage, randomSalesforceId, signGoHighLevelEd25519 } from '@app/crm-testing';
import { sha256Hex } from '@app/journey';
// The queue names only: @app/queues' index would load Nest, which Jest does not.
import { UNJOINED_SWEEP_QUEUE, UNJOINED_SWEEP_SCHEDULER_ID } from '../../libs/queues/src/unjoined-sweep';
import { Queue } from 'bullmq';
import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';
import { startWorker } from '../support/service-process';
import { ed25519, ORG_ID, pem } from '../support/webhook-env';

// An unjoined change is joined as soon as the CRM says where it belongs: a webhook revealing the identity
// of one of its records re-pends it at once; the periodic sweep (and each worker start) retries the rest
// through the whole join, the CRM API included.
describe('unjoined lifecycle changes joined later from the CRM side', () => {
  let t: PipelineEnv;
  beforeAll(async () => {
    t = await startPipelineEnv('rejoin', { GHL_EXTERNAL_ID_FIELD: 'fld-journey' });
  });
  afterAll(() => t?.close());

  const salesforce = (notifications: Parameters<typeof buildOutboundMessage>[0]['notifications']) =>
    fetch(`${t.api.url}/webhooks/salesforce`, {
      method: 'POST',
      headers: { 'content-type': 'text/xml' },
      body: buildOutboundMessage({ organizationId: ORG_ID, notifications }),
    });

  it("sends an unjoined deal within seconds of HubSpot's contact.propertyChange of the external-id property", async () => {
    await t.landing('visitor-revealed', { email: 'revealed@example.com' });
    t.hubspot.addContact({ id: '951' }); // the API knows the association, not yet who the contact is
    t.hubspot.addDeal({ id: '9301', contactIds: ['951'] });
    await t.hubspotChange(9301, 'deal.propertyChange', 'dealstage', 'closedwon');
    const unjoined = await t.settled('9301', ['unjoined']);
    expect(unjoined.hints.crm_records).toContainEqual({ object_type: 'contact', id: '951' });

    const revealedAt = Date.now();
    expect(
      (await t.hubspotChange(951, 'contact.propertyChange', 'journey_external_id', 'visitor-revealed'))
        .status,
    ).toBe(200);
    const sent = await t.settled('9301', ['sent']);
    expect(Date.now() - revealedAt).toBeLessThan(5_000);
    expect(sent).toMatchObject({ status: 'sent', event_name: 'DealWon' });
    expect(sent.hints.external_id).toBe('visitor-revealed');
    const [event] = t.graph.events().filter((e) => e.event_id === sent.event_id);
    expect(event.user_data).toMatchObject({
      external_id: [sha256Hex('visitor-revealed')],
      em: [sha256Hex('revealed@example.com')],
    });
    // The contact is linked: its next change joins directly.
    const { rows } = await t.sql.query(
      `SELECT l.crm_id FROM crm_links l JOIN visitors v ON v.id = l.visitor_id
       WHERE v.external_id = 'visitor-revealed' AND l.provider = 'hubspot' AND l.object_type = 'contact'`,
    );
    expect(rows.map((row) => row.crm_id)).toEqual(['951']);
  });

  it("re-pends a Salesforce opportunity when a later Contact message reveals its contact's email (hashed)", async () => {
    await t.landing('visitor-sf-contact', { email: 'sf.buyer@example.com' });
    const opportunityId = randomSalesforceId('006');
    const contactId = randomSalesforceId('003');
    await salesforce([
      {
        id: randomSalesforceId('04l'),
        sObjectType: 'Opportunity',
        fields: {
          Id: opportunityId,
          StageName: 'Closed Won',
          IsWon: true,
          ContactId: contactId,
          LastModifiedDate: new Date().toISOString(),
        },
      },
    ]);
    expect(await t.settled(opportunityId, ['unjoined'])).toMatchObject({ status: 'unjoined' });

    await salesforce([
      {
        id: randomSalesforceId('04l'),
        sObjectType: 'Contact',
        fields: { Id: contactId, Email: 'SF.Buyer@example.com' },
      },
    ]);
    expect(await t.settled(opportunityId, ['sent'])).toMatchObject({ status: 'sent', join_method: 'email' });
    const { rows } = await t.sql.query(
      `SELECT hints::text AS hints FROM lifecycle_events WHERE object_id = $1`,
      [opportunityId],
    );
    expect(rows[0].hints).toContain(sha256Hex('sf.buyer@example.com'));
    expect(rows[0].hints).not.toMatch(/buyer@/i);
  });

  it('re-pends a HighLevel opportunity when a ContactUpdate carries the external-id custom field', async () => {
    await t.landing('visitor-ghl-contact');
    const gohighlevel = (body: object) => {
      const raw = JSON.stringify({ locationId: 'loc-r', timestamp: new Date().toISOString(), ...body });
      return t.post('/webhooks/gohighlevel', raw, {
        'x-ghl-signature': signGoHighLevelEd25519(raw, pem(ed25519.privateKey, 'pkcs8')),
      });
    };
    await gohighlevel({
      type: 'OpportunityStatusUpdate',
      id: 'ghl-opp-r',
      contactId: 'ghl-contact-r',
      status: 'won',
      webhookId: 'wh-rejoin-1',
    });
    expect(await t.settled('ghl-opp-r', ['unjoined'])).toMatchObject({ status: 'unjoined' });

    const response = await gohighlevel({
      type: 'ContactUpdate',
      id: 'ghl-contact-r',
      customFields: [{ id: 'fld-journey', value: 'visitor-ghl-contact' }],
      webhookId: 'wh-rejoin-2',
    });
    expect(response.status).toBe(200);
    expect(await t.settled('ghl-opp-r', ['sent'])).toMatchObject({ status: 'sent', event_name: 'DealWon' });
  });

  it('sends an unjoined deal once the HubSpot API shows the association, found by the sweep at worker start', async () => {
    await t.landing('visitor-swept');
    t.hubspot.addDeal({ id: '9302', contactIds: [] });
    t.hubspot.addDeal({ id: '9303', contactIds: [] });
    await t.hubspotChange(9302, 'deal.propertyChange', 'dealstage', 'closedwon');
    // A change older than Meta's 7 days is not swept again.
    await t.hubspotChange(9303, 'deal.propertyChange', 'dealstage', 'closedwon', Date.now() - 8 * 86_400_000);
    await t.settled('9302', ['unjoined']);
    const stale = await t.settled('9303', ['unjoined']);

    // Only the API shows it: a contact created later, associated with the deal. No webhook says so.
    t.hubspot.addContact({ id: '953', externalId: 'visitor-swept' });
    t.hubspot.addDeal({ id: '9302', contactIds: ['953'] });
    await t.worker.stop();
    t.worker = startWorker(t.env);
    expect(await t.settled('9302', ['sent'])).toMatchObject({ status: 'sent', join_method: 'crm_api' });
    expect(t.worker.output()).toMatch(/unjoined sweep \(start\): [1-9]\d* events tried again/);
    const { rows } = await t.sql.query(
      `SELECT status, enqueue_count FROM lifecycle_events WHERE object_id = '9303'`,
    );
    expect(rows[0]).toEqual({ status: 'unjoined', enqueue_count: stale.enqueue_count });
  });

  it('schedules the sweep once for all workers, every UNJOINED_SWEEP_MINUTES (default 15)', async () => {
    const queue = new Queue(UNJOINED_SWEEP_QUEUE, {
      connection: { url: t.env.REDIS_URL },
      prefix: t.env.QUEUE_PREFIX,
    });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers).toEqual([
        expect.objectContaining({ key: UNJOINED_SWEEP_SCHEDULER_ID, every: 15 * 60_000 }),
      ]);
    } finally {
      await queue.close();
    }
  });
});
