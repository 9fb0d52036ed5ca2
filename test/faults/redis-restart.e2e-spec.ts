// Drill 3: Redis killed (SIGKILL) halfway through a stream of deliveries and started again, EMPTY (no
// persistence): the api must keep acknowledging, and every change must still be sent exactly once.
import { privateRedis, PrivateRedis } from '../support/redis-server';
import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';
import {
  chunks,
  dealIds,
  deliveryBody,
  deliveryReport,
  expectExactlyOnce,
  landWithDeals,
  post,
  sleep,
  waitAllSent,
  note,
} from './support';

describe('fault drill: Redis killed and restarted empty mid-stream', () => {
  let redis: PrivateRedis;
  let t: PipelineEnv;
  beforeAll(async () => {
    redis = await privateRedis();
    await redis.start();
    t = await startPipelineEnv('fault-redis', { REDIS_URL: redis.url, RECONCILE_AFTER_MS: '2000' });
  });
  afterAll(async () => {
    await t?.close();
    await redis?.stop();
  });

  // Found by this drill and fixed: Redis restarts empty, and relayed work whose job vanished waited forever.
  // The worker's reconciler (RECONCILE_AFTER_MS, short here) re-pends and re-queues it.
  it('sends all 200 changes exactly once across a Redis restart', async () => {
    const ids = dealIds(300_000, 200);
    await landWithDeals(t, 'redis-visitor', ids);
    const batches = chunks(ids, 20);
    const statuses: number[] = [];
    for (const [i, batch] of batches.entries()) {
      if (i === batches.length / 2) await redis.stop();
      const started = Date.now();
      statuses.push((await post(t, deliveryBody(batch))).status);
      if (i >= batches.length / 2) expect(Date.now() - started).toBeLessThan(2000);
      await sleep(150);
    }
    // Every delivery acknowledged, Redis up or down: HubSpot has nothing to retry.
    expect(statuses).toEqual(Array(batches.length).fill(200));
    await sleep(1000);
    await redis.start();
    await waitAllSent(t, ids, 60_000);
    note('redis restart', await deliveryReport(t, ids));
    await expectExactlyOnce(t, ids);
  }, 85_000);
});
