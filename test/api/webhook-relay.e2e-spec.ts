import Redis from 'ioredis';
import { signHubspotV3 } from '@app/crm-testing';
import { JourneyEnv, startJourneyEnv } from '../support/journey-env';
import { privateRedis, PrivateRedis } from '../support/redis-server';
import { ServiceProcess, startWorker } from '../support/service-process';

const SECRET = 'hubspot-client-secret-for-relay-tests';

const until = async <T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** One signed HubSpot delivery: deal `objectId` moved to closedwon. */
function deliverClosedWon(t: JourneyEnv, objectId: number): Promise<Response> {
  const body = JSON.stringify([
    {
      eventId: objectId,
      subscriptionId: 2,
      portalId: 62515,
      appId: 3,
      occurredAt: Date.now(),
      subscriptionType: 'deal.propertyChange',
      attemptNumber: 0,
      objectId,
      propertyName: 'dealstage',
      propertyValue: 'closedwon',
    },
  ]);
  const uri = `${t.api.url}/webhooks/hubspot`;
  return fetch(uri, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signHubspotV3({ uri, rawBody: body, clientSecret: SECRET }),
    },
    body,
  });
}

describe('nothing lost while Redis is down: store, acknowledge, relay later', () => {
  let redis: PrivateRedis;
  let t: JourneyEnv;
  let worker: ServiceProcess & { ready: Promise<void> };
  beforeAll(async () => {
    redis = await privateRedis();
    await redis.start();
    t = await startJourneyEnv('relay', { REDIS_URL: redis.url, HUBSPOT_CLIENT_SECRET: SECRET });
    worker = startWorker(t.env);
    await worker.ready;
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
    await redis?.stop();
  });

  const deliver = (objectId: number) => deliverClosedWon(t, objectId);
  const enqueuedAt = async (objectId: number) =>
    (
      await t.sql.query(`SELECT id, enqueued_at, job_id FROM lifecycle_events WHERE object_id = $1`, [
        String(objectId),
      ])
    ).rows[0];

  it('relays a stored event to the lifecycle queue while Redis is up', async () => {
    expect((await deliver(1)).status).toBe(200);
    const row = await until(async () => ((await enqueuedAt(1))?.enqueued_at ? enqueuedAt(1) : undefined));
    const client = new Redis(redis.url);
    expect(await client.exists(`${t.env.QUEUE_PREFIX}:lifecycle:${row.id}-1`)).toBe(1);
    client.disconnect();
  });

  it('acknowledges within a second with Redis stopped, and enqueues once Redis is back', async () => {
    await redis.stop();
    const started = Date.now();
    const response = await deliver(2);
    expect(response.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stored = await enqueuedAt(2);
    expect(stored).toBeDefined();
    expect(stored.enqueued_at).toBeNull();

    await redis.start();
    const row = await until(async () => ((await enqueuedAt(2))?.enqueued_at ? enqueuedAt(2) : undefined));
    const client = new Redis(redis.url);
    // The job carrying it is named after the first event of its batch (here: itself), and its row says so.
    expect(await client.hget(`${t.env.QUEUE_PREFIX}:lifecycle:${row.id}-1`, 'data')).toBe(
      JSON.stringify({ lifecycleEventIds: [row.id] }),
    );
    expect(row.job_id).toBe(`${row.id}-1`);
    client.disconnect();
  });
});

describe('the relay wakes when a webhook is stored (LISTEN/NOTIFY), not at its next poll', () => {
  let t: JourneyEnv;
  let worker: ServiceProcess & { ready: Promise<void> };
  beforeAll(async () => {
    // A poll this slow would leave every change waiting for seconds: only the notification explains < 2 s.
    t = await startJourneyEnv('relay_notify', {
      HUBSPOT_CLIENT_SECRET: SECRET,
      LIFECYCLE_RELAY_POLL_MS: '60000',
    });
    worker = startWorker(t.env);
    await worker.ready;
    await new Promise((resolve) => setTimeout(resolve, 1000)); // the start-up pass is over; it now sleeps
  });
  afterAll(async () => {
    await worker?.stop();
    await t?.close();
  });

  it('queues each stored change within 2 s of its acknowledgement', async () => {
    for (const objectId of [11, 12, 13]) {
      const response = await deliverClosedWon(t, objectId);
      expect(response.status).toBe(200);
      const acknowledged = Date.now();
      await until(async () => {
        const { rows } = await t.sql.query(
          'SELECT enqueued_at FROM lifecycle_events WHERE object_id = $1 AND enqueued_at IS NOT NULL',
          [String(objectId)],
        );
        return rows[0];
      }, 2000);
      expect(Date.now() - acknowledged).toBeLessThan(2000);
    }
  });
});
