import { signHubspotV3 } from '@app/crm-testing';
import { ADMIN_TOKEN, Json, json } from '../support/journey-env';
import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';
import { privateRedis, PrivateRedis } from '../support/redis-server';
import { HUBSPOT_SECRET } from '../support/webhook-env';

const DAY_MS = 86_400_000;

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function helpers(t: PipelineEnv) {
  return {
    replay: (body: unknown, token: string | null = ADMIN_TOKEN) =>
      fetch(`${t.api.url}/v1/admin/replays`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      }),
    /** A won deal joined to a fresh journey, waited for until it is sent (or `status`). */
    async wonDeal(dealId: number, occurredAt = Date.now() - 60_000, status = 'sent'): Promise<Json> {
      await t.landing(`visitor-${dealId}`);
      await t.sql.query(
        `INSERT INTO crm_links (id, visitor_id, provider, object_type, crm_id)
         SELECT gen_random_uuid(), id, 'hubspot', 'deal', $2 FROM visitors WHERE external_id = $1`,
        [`visitor-${dealId}`, String(dealId)],
      );
      const answer = await t.hubspotChange(
        dealId,
        'deal.propertyChange',
        'dealstage',
        'closedwon',
        occurredAt,
      );
      expect(answer.status).toBeLessThan(300);
      const event = await t.settled(String(dealId));
      expect(event.status).toBe(status);
      return event;
    },
  };
}

describe('admin replays and listings', () => {
  let t: PipelineEnv;
  let h: ReturnType<typeof helpers>;
  beforeAll(async () => {
    t = await startPipelineEnv('admin-replays');
    h = helpers(t);
  });
  afterAll(() => t?.close());

  const requestsFor = (eventId: string) =>
    t.graph.requests().filter((request) => request.data.some((event) => event.event_id === eventId));
  const capiRow = async (lifecycleEventId: string) =>
    (await t.sql.query('SELECT * FROM dispatches WHERE lifecycle_event_id = $1', [lifecycleEventId]))
      .rows[0] as Json;

  let sent: Json;

  it('replays a sent event by id to a test event code, with the same event_id', async () => {
    sent = await h.wonDeal(9001);
    expect(sent.event_name).toBe('DealWon');
    expect(requestsFor(sent.event_id)).toHaveLength(1);
    const original = await capiRow(sent.id);

    const answer = await h.replay({ lifecycle_event_ids: [sent.id], test_event_code: 'TEST123' });
    expect(answer.status).toBe(200);
    expect(await json(answer)).toEqual({ enqueued: 1, refused: [] });

    const requests = await waitFor('the replayed Graph request', async () =>
      requestsFor(sent.event_id).length >= 2 ? requestsFor(sent.event_id) : undefined,
    );
    expect(requests).toHaveLength(2);
    const replayed = requests[1];
    expect(replayed.body.test_event_code).toBe('TEST123');
    expect(replayed.testEventCode).toBe('TEST123');
    expect(replayed.data).toHaveLength(1);
    expect(replayed.data[0].event_id).toBe(sent.event_id);
    expect(replayed.data[0]).toEqual(requests[0].data[0]);

    const row = await waitFor('the capi event sent again', async () => {
      const current = await capiRow(sent.id);
      return current.status === 'sent' && current.request_id !== original.request_id ? current : undefined;
    });
    expect(row.id).toBe(original.id);
    expect(row.event_id).toBe(original.event_id);
    expect(row.payload).toEqual(original.payload);
    expect(row.test_event_code).toBe('TEST123');
    expect(row.replay_count).toBe(1);
    expect(row.last_replayed_at).toBeInstanceOf(Date);
    const lifecycle = await t.settled(String(9001), ['sent']);
    expect(lifecycle.status).toBe('sent');
    // The Graph request of the replay is on the dispatch log.
    const { rows } = await t.sql.query(
      `SELECT request_body FROM destination_requests WHERE request_body->>'test_event_code' = 'TEST123'`,
    );
    expect(rows).toHaveLength(1);
  });

  it('replays by filter (event name and status), keeping the test event code of the event', async () => {
    const before = requestsFor(sent.event_id).length;
    const answer = await h.replay({ event_name: 'DealWon', status: 'sent' });
    expect(answer.status).toBe(200);
    expect(await json(answer)).toEqual({ enqueued: 1, refused: [] });
    const requests = await waitFor('the filter replay request', async () =>
      requestsFor(sent.event_id).length > before ? requestsFor(sent.event_id) : undefined,
    );
    expect(requests[before].data[0].event_id).toBe(sent.event_id);
    expect(requests[before].testEventCode).toBe('TEST123');
    await waitFor('sent again', async () => ((await capiRow(sent.id)).status === 'sent' ? true : undefined));
    // A filter matching nothing enqueues nothing.
    const none = await h.replay({ event_name: 'NoSuchEvent' });
    expect(await json(none)).toEqual({ enqueued: 0, refused: [] });
  });

  it('refuses an event older than 7 days with a reason, and unknown ids', async () => {
    const old = await h.wonDeal(9002, Date.now() - 8 * DAY_MS, 'expired');
    const requestsBefore = t.graph.requests().length;
    const unknown = '00000000-0000-4000-8000-000000000000';
    const answer = await h.replay({ lifecycle_event_ids: [old.id, unknown], test_event_code: 'TEST123' });
    expect(answer.status).toBe(200);
    const body = await json(answer);
    expect(body.enqueued).toBe(0);
    expect(body.refused).toHaveLength(2);
    const byId = Object.fromEntries(
      body.refused.map((entry: Json) => [entry.lifecycle_event_id, entry.reason]),
    );
    expect(byId[old.id]).toMatch(/older than 7 days/);
    expect(byId[unknown]).toMatch(/not found/);
    const after = (await t.sql.query('SELECT status FROM lifecycle_events WHERE id = $1', [old.id])).rows[0];
    expect(after.status).toBe('expired');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.graph.requests().length).toBe(requestsBefore);
  });

  it('re-pends an event never built (unjoined), so the worker joins it again', async () => {
    await t.landing('visitor-9003');
    await t.hubspotChange(9003, 'deal.propertyChange', 'dealstage', 'closedwon');
    const unjoined = await t.settled('9003');
    expect(unjoined.status).toBe('unjoined');
    // A test replay only re-sends built events: this one would go out as a live event.
    const test = await json(
      await h.replay({ lifecycle_event_ids: [unjoined.id], test_event_code: 'TEST123' }),
    );
    expect(test.enqueued).toBe(0);
    expect(test.refused[0].reason).toMatch(/never built/);
    await t.sql.query(
      `INSERT INTO crm_links (id, visitor_id, provider, object_type, crm_id)
       SELECT gen_random_uuid(), id, 'hubspot', 'deal', '9003' FROM visitors WHERE external_id = 'visitor-9003'`,
    );
    expect(await json(await h.replay({ lifecycle_event_ids: [unjoined.id] }))).toEqual({
      enqueued: 1,
      refused: [],
    });
    const sentNow = await t.settled('9003', ['sent']);
    expect(sentNow.enqueue_count).toBe(unjoined.enqueue_count + 1);
    expect(requestsFor(sentNow.event_id)).toHaveLength(1);
  });

  it('requires the admin token', async () => {
    expect((await h.replay({ status: 'sent' }, null)).status).toBe(401);
    expect((await h.replay({ status: 'sent' }, 'wrong-token')).status).toBe(401);
    expect((await fetch(`${t.api.url}/v1/admin/lifecycle-events`)).status).toBe(401);
    expect((await fetch(`${t.api.url}/v1/admin/dispatches`)).status).toBe(401);
  });

  it.each([
    [{}, 'body'],
    [{ test_event_code: 'TEST123' }, 'body'],
    [{ lifecycle_event_ids: [] }, 'lifecycle_event_ids'],
    [{ lifecycle_event_ids: ['not-a-uuid'] }, 'lifecycle_event_ids'],
    [{ lifecycle_event_ids: 'x' }, 'lifecycle_event_ids'],
    [{ status: 'bogus' }, 'status'],
    [{ status: 'sent', test_event_code: 'X'.repeat(65) }, 'test_event_code'],
    [{ since: 'yesterday' }, 'since'],
    [{ until: '2026-02-30T00:00:00Z' }, 'until'],
    [{ since: '2026-01-02T00:00:00Z', until: '2026-01-01T00:00:00Z' }, 'since'],
    [{ status: 'sent', extra: 1 }, 'extra'],
  ])('refuses the body %j naming %s', async (body, field) => {
    const answer = await h.replay(body);
    expect(answer.status).toBe(400);
    expect((await json(answer)).fields).toContain(field);
  });

  it('refuses a body that is not an object, and too many ids', async () => {
    const many = Array.from({ length: 1001 }, () => '00000000-0000-4000-8000-000000000000');
    const tooMany = await h.replay({ lifecycle_event_ids: many });
    expect(tooMany.status).toBe(400);
    expect((await json(tooMany)).fields).toContain('lifecycle_event_ids');
    expect((await h.replay([1])).status).toBe(400);
  });

  const list = (path: string, query = '') =>
    t.admin('GET', `/v1/admin/${path}${query ? `?${query}` : ''}`).then(async (answer) => {
      expect(answer.status).toBe(200);
      return json(answer);
    });

  it('lists lifecycle events with filters and cursor pagination', async () => {
    // 12 unmapped changes (no stage rule): stored, never sent.
    const uri = `${t.api.url}/webhooks/hubspot`;
    const body = JSON.stringify(
      Array.from({ length: 12 }, (_, i) => ({
        eventId: 1,
        subscriptionId: 2,
        portalId: 62515,
        appId: 3,
        occurredAt: Date.now() - 1000 - i,
        subscriptionType: 'deal.propertyChange',
        attemptNumber: 0,
        objectId: 9100 + i,
        propertyName: 'dealstage',
        propertyValue: 'contractsent',
      })),
    );
    const posted = await fetch(uri, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...signHubspotV3({ uri, rawBody: body, clientSecret: HUBSPOT_SECRET }),
      },
      body,
    });
    expect(posted.status).toBeLessThan(300);
    await waitFor('12 unmapped events', async () =>
      (await t.sql.query(`SELECT count(*)::int AS n FROM lifecycle_events WHERE status = 'unmapped'`)).rows[0]
        .n === 12
        ? true
        : undefined,
    );

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `status=unmapped&provider=hubspot&limit=5${cursor ? `&cursor=${cursor}` : ''}`;
      const result = await list('lifecycle-events', query);
      expect(result.items.length).toBeLessThanOrEqual(5);
      seen.push(...result.items.map((item: Json) => item.lifecycle_event_id));
      for (const item of result.items) expect(item.status).toBe('unmapped');
      cursor = result.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toHaveLength(12);
    expect(new Set(seen).size).toBe(12);

    const all = await list('lifecycle-events', 'limit=200');
    expect(all.next_cursor).toBeNull();
    expect(all.items).toHaveLength(15);
    const sentItem = all.items.find((item: Json) => item.lifecycle_event_id === sent.id);
    expect(sentItem).toMatchObject({
      provider: 'hubspot',
      object_id: '9001',
      event_name: 'DealWon',
      status: 'sent',
      join_method: 'crm_link',
      event_id: sent.event_id,
      external_id: 'visitor-9001',
    });
    expect(sentItem).toHaveProperty('status_reason');
    const expired = await list('lifecycle-events', 'status=expired');
    expect(expired.items.map((item: Json) => item.object_id)).toEqual(['9002']);
    expect(expired.items[0].status_reason).toBeTruthy();
    const won = await list(
      'lifecycle-events',
      'event_name=DealWon&since=' + new Date(Date.now() - DAY_MS).toISOString(),
    );
    expect(won.items.map((item: Json) => item.object_id)).toEqual(['9003', '9001']);
  });

  it('lists dispatches with the request that carried them', async () => {
    const result = await list('dispatches', 'status=sent&event_name=DealWon');
    expect(result.next_cursor).toBeNull();
    expect(result.items).toHaveLength(2);
    const item = result.items.find((entry: Json) => entry.lifecycle_event_id === sent.id);
    expect(item).toMatchObject({
      lifecycle_event_id: sent.id,
      event_id: sent.event_id,
      event_name: 'DealWon',
      status: 'sent',
      test_event_code: 'TEST123',
      request_outcome: 'accepted',
      response_status: 200,
    });
    expect(item.attempts).toBeGreaterThanOrEqual(3);
    expect(item.fbtrace_id).toEqual(expect.any(String));
    expect(item).toHaveProperty('status_reason');
    // The expired event was never built: two dispatches in all, one per page.
    const first = await list('dispatches', 'limit=1');
    expect(first.items).toHaveLength(1);
    const second = await list('dispatches', `limit=1&cursor=${first.next_cursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    expect(second.items[0].capi_event_id).not.toBe(first.items[0].capi_event_id);
  });

  it.each([
    ['lifecycle-events', 'limit=0', 'limit'],
    ['lifecycle-events', 'limit=201', 'limit'],
    ['lifecycle-events', 'limit=abc', 'limit'],
    ['lifecycle-events', 'status=bogus', 'status'],
    ['lifecycle-events', 'provider=pipedrive', 'provider'],
    ['lifecycle-events', 'since=tomorrow', 'since'],
    ['lifecycle-events', 'cursor=not-a-cursor', 'cursor'],
    ['lifecycle-events', 'colour=red', 'colour'],
    ['dispatches', 'status=unmapped', 'status'],
    ['dispatches', 'until=2026-13-01T00:00:00Z', 'until'],
    ['dispatches', 'cursor=W10', 'cursor'],
  ])('GET %s?%s answers 400 naming %s', async (path, query, field) => {
    const answer = await t.admin('GET', `/v1/admin/${path}?${query}`);
    expect(answer.status).toBe(400);
    expect((await json(answer)).fields).toContain(field);
  });
});

describe('admin replays while Redis is down', () => {
  let redis: PrivateRedis;
  let t: PipelineEnv;
  beforeAll(async () => {
    redis = await privateRedis();
    await redis.start();
    t = await startPipelineEnv('admin-replays-redis', { REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  it('answers 503 naming Redis and changes nothing in Postgres', async () => {
    const h = helpers(t);
    const sent = await h.wonDeal(9301);
    const before = (await t.sql.query('SELECT * FROM dispatches WHERE lifecycle_event_id = $1', [sent.id]))
      .rows[0];
    await redis.stop();
    const started = Date.now();
    const answer = await h.replay({ lifecycle_event_ids: [sent.id], test_event_code: 'TEST123' });
    expect(Date.now() - started).toBeLessThan(8000);
    expect(answer.status).toBe(503);
    expect((await json(answer)).message).toMatch(/Redis/);
    const after = (await t.sql.query('SELECT * FROM dispatches WHERE lifecycle_event_id = $1', [sent.id]))
      .rows[0];
    expect(after).toEqual(before);
    const lifecycle = (
      await t.sql.query('SELECT status, status_reason FROM lifecycle_events WHERE id = $1', [sent.id])
    ).rows[0];
    expect(lifecycle).toEqual({ status: 'sent', status_reason: null });
    await redis.start();
  });
});
