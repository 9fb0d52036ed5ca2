// Retention, applied by the worker's data-maintenance job as it starts: whole expired months of touchpoints
// are dropped (never part of a month), old webhook deliveries whose events are all final and old destination
// requests are deleted, and nothing recent is touched.
import { randomUUID } from 'node:crypto';
import { JourneyEnv, startJourneyEnv } from '../support/journey-env';
import { ServiceProcess, startWorker } from '../support/service-process';

const DAY_MS = 24 * 3600 * 1000;
const SCHEMA = 'touchpoint_partitions';
const RETENTION_DAYS = 365;
const monthStart = (date: Date, offset = 0) =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));
const partitionName = (month: Date) =>
  `touchpoints_p${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

describe('retention (data-maintenance job)', () => {
  let t: JourneyEnv;
  let worker: ServiceProcess | undefined;
  const now = new Date();
  const expiredMonth = monthStart(now, -14);
  // The month holding the cutoff: partly older than it, so it stays whole.
  const cutoffMonth = monthStart(new Date(now.getTime() - RETENTION_DAYS * DAY_MS));
  const ids: Record<string, string> = {};

  const partitions = async (): Promise<string[]> =>
    (
      await t.sql.query(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'public.touchpoints'::regclass`,
      )
    ).rows.map((row) => row.name);
  const exists = async (table: string, id: string) =>
    (await t.sql.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id])).rowCount === 1;

  async function createMonth(month: Date): Promise<void> {
    await t.sql.query(
      `CREATE TABLE IF NOT EXISTS ${SCHEMA}.${partitionName(month)} PARTITION OF touchpoints
       FOR VALUES FROM ('${month.toISOString()}') TO ('${monthStart(month, 1).toISOString()}')`,
    );
  }

  async function touchpoint(visitorId: string, receivedAt: Date): Promise<string> {
    const id = randomUUID();
    await t.sql.query(
      `INSERT INTO touchpoints (id, received_at, visitor_id, event_name, event_id, occurred_at, source, url,
         has_campaign, is_bot)
       VALUES ($1::uuid, $2, $3, 'PageView', $4, $2, 'server', 'https://www.shop.test/', false, false)`,
      [id, receivedAt, visitorId, `event-${id}`],
    );
    return id;
  }

  async function delivery(receivedAt: Date, status: string): Promise<{ delivery: string; event: string }> {
    const [deliveryId, eventId] = [randomUUID(), randomUUID()];
    await t.sql.query(
      `INSERT INTO webhook_deliveries (id, provider, scheme, received_at, event_count, change_count,
         duplicate_count, body_sha256) VALUES ($1, 'hubspot', 'v3', $2, 1, 1, 0, repeat('0', 64))`,
      [deliveryId, receivedAt],
    );
    await t.sql.query(
      `INSERT INTO lifecycle_events (id, delivery_id, provider, tenant, dedupe_key, object_type, object_id,
         stage_field, stage, status, occurred_at, hints, created_at)
       VALUES ($1::uuid, $2, 'hubspot', '1', $5, 'deal', '1', 'dealstage', 'won', $3, $4, '{}', $4)`,
      [eventId, deliveryId, status, receivedAt, `dedupe-${eventId}`],
    );
    return { delivery: deliveryId, event: eventId };
  }

  async function request(createdAt: Date): Promise<string> {
    const id = randomUUID();
    await t.sql.query(
      `INSERT INTO destination_requests (id, platform, destination, event_count, request_body, response_status,
         outcome, duration_ms, created_at) VALUES ($1, 'meta', '123456', 1, '{}', 200, 'accepted', 10, $2)`,
      [id, createdAt],
    );
    return id;
  }

  beforeAll(async () => {
    t = await startJourneyEnv('retention');
    const visitorId = randomUUID();
    await t.sql.query(
      `INSERT INTO visitors (id, external_id, first_seen_at, last_seen_at, updated_at)
       VALUES ($1, $2, now(), now(), now())`,
      [visitorId, `ext-${visitorId}`],
    );
    await createMonth(expiredMonth);
    await createMonth(cutoffMonth);
    ids.expired = await touchpoint(visitorId, new Date(expiredMonth.getTime() + 5 * DAY_MS));
    ids.cutoffMonth = await touchpoint(visitorId, new Date(cutoffMonth.getTime() + 3600_000));
    ids.recent = await touchpoint(visitorId, now);
    // A month that never had a partition: its row sits in DEFAULT.
    ids.strayExpired = await touchpoint(visitorId, monthStart(now, -20));

    const old = new Date(now.getTime() - 100 * DAY_MS);
    const recent = new Date(now.getTime() - 10 * DAY_MS);
    ({ delivery: ids.oldFinal } = await delivery(old, 'sent'));
    ({ delivery: ids.oldOpen, event: ids.oldOpenEvent } = await delivery(old, 'waiting_destination'));
    ({ delivery: ids.recentFinal } = await delivery(recent, 'sent'));
    ids.oldRequest = await request(old);
    ids.recentRequest = await request(recent);
    // An event carried by the old request keeps its row; its request becomes null. (waiting_destination: with no
    // pixel configured the worker leaves the event as it is, where it would join a pending one.)
    ids.capiEvent = randomUUID();
    await t.sql.query(
      `INSERT INTO dispatches (id, lifecycle_event_id, platform, destination, event_id, event_name, status, payload,
         request_id) VALUES ($1, $2, 'meta', '123456', 'e1', 'DealWon', 'sent', '{}', $3)`,
      [ids.capiEvent, ids.oldOpenEvent, ids.oldRequest],
    );

    const started = startWorker({ ...t.env, TOUCHPOINT_RETENTION_DAYS: String(RETENTION_DAYS) });
    worker = started;
    await started.ready;
    const deadline = Date.now() + 15_000;
    // The run at start and the scheduler's first job race: whichever comes first does the work and logs it.
    while (Date.now() < deadline && !started.output().includes('data maintenance (')) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(started.output()).toMatch(/data maintenance \((start|schedule)\): partitions created/);
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
  });

  it('drops a month wholly older than TOUCHPOINT_RETENTION_DAYS, with its rows', async () => {
    expect(await partitions()).not.toContain(partitionName(expiredMonth));
    expect(await exists('touchpoints', ids.expired)).toBe(false);
  });

  it('deletes expired rows that fell into the DEFAULT partition', async () => {
    expect(await exists('touchpoints', ids.strayExpired)).toBe(false);
  });

  it('keeps the month holding the cutoff whole, and recent touchpoints', async () => {
    expect(await partitions()).toContain(partitionName(cutoffMonth));
    expect(await exists('touchpoints', ids.cutoffMonth)).toBe(true);
    expect(await exists('touchpoints', ids.recent)).toBe(true);
  });

  it('deletes old webhook deliveries whose events are all final, and only those', async () => {
    expect(await exists('webhook_deliveries', ids.oldFinal)).toBe(false);
    expect(await exists('webhook_deliveries', ids.oldOpen)).toBe(true);
    expect(await exists('webhook_deliveries', ids.recentFinal)).toBe(true);
  });

  it('deletes old destination requests, leaving their events with no request', async () => {
    expect(await exists('destination_requests', ids.oldRequest)).toBe(false);
    expect(await exists('destination_requests', ids.recentRequest)).toBe(true);
    const { rows } = await t.sql.query(`SELECT request_id FROM dispatches WHERE id = $1`, [ids.capiEvent]);
    expect(rows).toEqual([{ request_id: null }]);
  });
});
