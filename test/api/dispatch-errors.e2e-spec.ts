import { capiEventId } from '@app/destinations';
import { signHubspotV3 } from '@app/crm-testing';
import { Json } from '../support/journey-env';
import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';
import { HUBSPOT_SECRET } from '../support/webhook-env';

/** One signed HubSpot delivery holding a closedwon change for each deal. */
const sendBatch = (t: PipelineEnv, dealIds: string[]) => {
  const uri = `${t.api.url}/webhooks/hubspot`;
  const body = JSON.stringify(
    dealIds.map((objectId) => ({
      eventId: 1,
      subscriptionId: 2,
      portalId: 62515,
      appId: 3,
      occurredAt: Date.now() - 1000,
      subscriptionType: 'deal.propertyChange',
      attemptNumber: 0,
      objectId: Number(objectId),
      propertyName: 'dealstage',
      propertyValue: 'closedwon',
    })),
  );
  return fetch(uri, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signHubspotV3({ uri, rawBody: body, clientSecret: HUBSPOT_SECRET }),
    },
    body,
  });
};

describe('dispatch under Graph failures and bursts', () => {
  let t: PipelineEnv;
  beforeAll(async () => {
    t = await startPipelineEnv('dispatch');
  });
  afterAll(() => t?.close());

  const linkDeal = (externalId: string, dealId: string) =>
    t.sql.query(
      `INSERT INTO crm_links (id, visitor_id, provider, object_type, crm_id)
      SELECT gen_random_uuid(), id, 'hubspot', 'deal', $2 FROM visitors WHERE external_id = $1`,
      [externalId, dealId],
    );

  it('delivers exactly once after two Graph 500s', async () => {
    await t.landing('retry-visitor');
    await linkDeal('retry-visitor', '7001');
    t.graph.failNext(2, '500');
    await t.hubspotChange(7001, 'deal.propertyChange', 'dealstage', 'closedwon');
    const event = await t.settled('7001');
    expect(event.status).toBe('sent');
    expect(t.graph.events().filter((sent) => sent.event_id === event.event_id)).toHaveLength(1);
    const { rows } = await t.sql.query(`SELECT outcome FROM destination_requests ORDER BY created_at`);
    expect(rows.map((row) => row.outcome)).toEqual(['transient', 'transient', 'accepted']);
  });

  it('turns a burst of 300 changes into a handful of Graph requests', async () => {
    const requestsBefore = t.graph.requests().length;
    await t.landing('burst-visitor');
    const values = Array.from({ length: 300 }, (_, i) => String(80_000 + i));
    await t.sql.query(
      `INSERT INTO crm_links (id, visitor_id, provider, object_type, crm_id)
      SELECT gen_random_uuid(), v.id, 'hubspot', 'deal', d FROM visitors v, unnest($1::text[]) d WHERE v.external_id = 'burst-visitor'`,
      [values],
    );
    for (let batch = 0; batch < 3; batch++) await sendBatch(t, values.slice(batch * 100, batch * 100 + 100));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const { rows } = await t.sql.query(
        `SELECT count(*)::int AS n FROM lifecycle_events WHERE status = 'sent' AND object_id = ANY($1)`,
        [values],
      );
      if (rows[0].n === 300) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const ids = new Set(t.graph.events().map((event) => event.event_id));
    const { rows } = await t.sql.query(
      `SELECT event_id FROM lifecycle_events WHERE object_id = ANY($1) AND status = 'sent'`,
      [values],
    );
    expect(rows).toHaveLength(300);
    expect(rows.every((row: Json) => ids.has(row.event_id))).toBe(true);
    const requests = t.graph.requests().length - requestsBefore;
    expect(requests).toBeLessThanOrEqual(15);
  });
});

describe('dispatch: Meta refusals', () => {
  let t: PipelineEnv;
  beforeAll(async () => {
    t = await startPipelineEnv('refusals');
  });
  afterAll(() => t?.close());

  const linkDeals = (externalId: string, dealIds: string[]) =>
    t.sql.query(
      `INSERT INTO crm_links (id, visitor_id, provider, object_type, crm_id)
       SELECT gen_random_uuid(), v.id, 'hubspot', 'deal', d FROM visitors v, unnest($2::text[]) d WHERE v.external_id = $1`,
      [externalId, dealIds],
    );

  it('retries a 429 and delivers once', async () => {
    await t.landing('throttled-visitor');
    await linkDeals('throttled-visitor', ['6001']);
    t.graph.failNext(1, '429');
    await sendBatch(t, ['6001']);
    const event = await t.settled('6001');
    expect(event.status).toBe('sent');
    expect(t.graph.events().filter((sent) => sent.event_id === event.event_id)).toHaveLength(1);
  });

  it('parks the one event Meta refuses (subcode 2804003) and still sends the others of its batch', async () => {
    await t.landing('split-visitor');
    const deals = ['6101', '6102', '6103', '6104'];
    await linkDeals('split-visitor', deals);
    // Event ids are deterministic, so the test knows which one the worker will send for deal 6103.
    const badEventId = capiEventId('hubspot:deal:6103', 'DealWon');
    t.graph.rejectEventsWhere((event) => event.event_id === badEventId);
    await sendBatch(t, deals);
    const settled: Json[] = [];
    for (const deal of deals) settled.push(await t.settled(deal));
    expect(settled.map((event) => event.status)).toEqual(['sent', 'sent', 'rejected', 'sent']);
    expect(settled[2].status_reason).toContain('Meta refused the event');
    t.graph.rejectEventsWhere(undefined);
  });

  it('pauses the destination on an invalid token (code 190) instead of burning retries', async () => {
    await t.landing('paused-visitor');
    await linkDeals('paused-visitor', ['6201']);
    t.graph.failNext(1, 'token190');
    await sendBatch(t, ['6201']);
    const deadline = Date.now() + 15_000;
    let pause: Json | undefined;
    while (!pause && Date.now() < deadline) {
      pause = (await t.sql.query('SELECT * FROM destination_pauses')).rows[0];
      if (!pause) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(pause).toMatchObject({ destination: expect.any(String), reason: expect.any(String) });
    const { rows } = await t.sql.query(
      `SELECT c.status, c.attempts FROM dispatches c JOIN lifecycle_events l ON l.id = c.lifecycle_event_id WHERE l.object_id = '6201'`,
    );
    expect(rows[0]).toMatchObject({ status: 'queued', attempts: 1 });
    const requests = t.graph.requests().length;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(t.graph.requests().length).toBe(requests); // no retry storm while paused
  });
});
