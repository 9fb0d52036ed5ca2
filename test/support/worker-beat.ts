// Readiness needs a worker's heartbeat (apps/worker/src/worker-heartbeat.ts): suites without a worker that
// check readiness write one beat themselves, as a worker would.
import Redis from 'ioredis';

export async function beatAsWorker(
  env: Record<string, string>,
  ageMs = 0,
  member = 'test-host:1',
): Promise<void> {
  const redis = new Redis(env.REDIS_URL);
  try {
    await redis.zadd(`${env.QUEUE_PREFIX}:worker-beats`, Date.now() - ageMs, member);
  } finally {
    redis.disconnect();
  }
}
