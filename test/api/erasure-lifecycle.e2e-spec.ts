import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';

describe('erasure reaches lifecycle data, and erased journeys stay erased', () => {
  let t: PipelineEnv;
  beforeAll(async () => {
    t = await startPipelineEnv('erasure');
  });
  afterAll(() => t?.close());

  it("removes lifecycle events, CAPI events and the visitor's part of stored Graph requests; later webhooks are dropped as erased", async () => {
    await t.landing('erase-me', { email: 'erase.me@example.com', crm_ids: { hubspot_deal_id: '4401' } });
    await t.landing('keep-me', { crm_ids: { hubspot_deal_id: '4402' } });
    // Sent together, the two events usually share one Graph request.
    await Promise.all([
      t.hubspotChange(4401, 'deal.propertyChange', 'dealstage', 'closedwon'),
      t.hubspotChange(4402, 'deal.propertyChange', 'dealstage', 'closedwon'),
    ]);
    const erased = await t.settled('4401');
    const kept = await t.settled('4402');
    expect([erased.status, kept.status]).toEqual(['sent', 'sent']);

    expect((await t.admin('DELETE', '/v1/journeys/erase-me')).status).toBe(204);

    const left = await t.sql.query(
      `SELECT (SELECT count(*)::int FROM lifecycle_events WHERE object_id = '4401') AS lifecycle,
              (SELECT count(*)::int FROM dispatches WHERE event_id = $1) AS capi,
              (SELECT count(*)::int FROM destination_requests WHERE request_body::text LIKE '%' || $1 || '%') AS in_requests,
              (SELECT count(*)::int > 0 FROM destination_requests WHERE request_body::text LIKE '%' || $2 || '%') AS other_in_requests`,
      [erased.event_id, kept.event_id],
    );
    expect(left.rows[0]).toEqual({ lifecycle: 0, capi: 0, in_requests: 0, other_in_requests: true });

    // The CRM keeps reporting the deal: the change is stored (the CRM gets its 2xx) and dropped as erased.
    await t.hubspotChange(4401, 'deal.propertyChange', 'dealstage', 'closedwon', Date.now() - 30_000);
    expect(await t.settled('4401')).toMatchObject({
      status: 'erased',
      status_reason: expect.stringContaining('erased'),
    });
  });
});
