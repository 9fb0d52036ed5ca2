// Touchpoints are partitioned by month (received_at, UTC): rows land in their month, the worker keeps the
// next months ready, and rows that fell into the DEFAULT partition move into their month once it exists.
import { randomUUID } from 'node:crypto';
import { JourneyEnv, json, startJourneyEnv } from '../support/journey-env';
import { ServiceProcess, startWorker } from '../support/service-process';

// (Nest 12 is ESM-only, which Jest cannot load: the repository is exercised through the worker's job.)
const SCHEMA = 'touchpoint_partitions';
const monthStart = (offset = 0, now = new Date()) =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
const partitionName = (month: Date) =>
  `touchpoints_p${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

describe('touchpoints partitioned by month', () => {
  let t: JourneyEnv;
  let worker: ServiceProcess | undefined;

  beforeAll(async () => {
    t = await startJourneyEnv('partitions');
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
  });

  const partitionOf = async (touchpointId: string): Promise<string> =>
    (await t.sql.query(`SELECT tableoid::regclass::text AS p FROM touchpoints WHERE id = $1`, [touchpointId]))
      .rows[0].p;
  const names = async (): Promise<string[]> =>
    (
      await t.sql.query(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'public.touchpoints'::regclass`,
      )
    ).rows.map((row) => row.name);

  /** A visitor and one touchpoint received at `receivedAt`, written directly (ingest always stamps now()). */
  async function insertTouchpoint(receivedAt: Date): Promise<string> {
    const visitorId = randomUUID();
    const id = randomUUID();
    await t.sql.query(
      `INSERT INTO visitors (id, external_id, first_seen_at, last_seen_at, updated_at)
       VALUES ($1, $2, $3, $3, now())`,
      [visitorId, `ext-${visitorId}`, receivedAt],
    );
    await t.sql.query(
      `INSERT INTO touchpoints (id, received_at, visitor_id, event_name, event_id, occurred_at, source, url,
         has_campaign, is_bot)
       VALUES ($1::uuid, $2, $3, 'PageView', $4, $2, 'server', 'https://www.shop.test/', false, false)`,
      [id, receivedAt, visitorId, `event-${id}`],
    );
    return id;
  }

  it('stores an ingested touchpoint in the partition of the current month, and reads it back', async () => {
    const response = await t.ingest('/v1/touchpoints', { url: 'https://www.shop.test/?utm_source=x' });
    expect(response.status).toBe(201);
    const { touchpoint_id: id, external_id: externalId } = await json(response);
    expect(await partitionOf(id)).toBe(`${SCHEMA}.${partitionName(monthStart())}`);
    const journey = await json(await t.admin('GET', `/v1/journeys/${externalId}`));
    expect(journey.touchpoints).toHaveLength(1);
    expect(journey.first_touch).toMatchObject({ utm_source: 'x' });
  });

  it('has the worker create the current month and the next two as it starts, moving rows out of DEFAULT', async () => {
    const ahead = [1, 2].map((offset) => partitionName(monthStart(offset)));
    for (const name of ahead) await t.sql.query(`DROP TABLE ${SCHEMA}.${name}`);
    expect(await names()).not.toEqual(expect.arrayContaining(ahead));
    // A row for a month without a partition falls into DEFAULT (a safety net, never an error).
    const stray = await insertTouchpoint(new Date(monthStart(2).getTime() + 3600_000));
    expect(await partitionOf(stray)).toBe(`${SCHEMA}.touchpoints_default`);

    const started = startWorker(t.env);
    worker = started;
    await started.ready;
    let found = await names();
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !ahead.every((name) => found.includes(name))) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      found = await names();
    }
    expect(found).toEqual(expect.arrayContaining([partitionName(monthStart()), ...ahead]));
    expect(await partitionOf(stray)).toBe(`${SCHEMA}.${ahead[1]}`);
  });
});
