import type { RedisOptions } from 'bullmq';

/**
 * How a connection behaves while Redis is down, by use:
 * - `client`: an ioredis client of the api or worker (readiness, rate limits). Fails fast: with the offline
 *   queue off and one retry per command, a command rejects at once instead of hanging (an HTTP request must
 *   never wait on Redis); it reconnects in the background, quickly.
 * - `producer`: a BullMQ queue that adds jobs on a path that must not wait (a replay request, the relay's
 *   Postgres transaction). Fails fast the same way; reconnects with BullMQ's own back-off.
 * - `worker`: the worker's BullMQ workers and the queues its jobs add to. Commands wait for Redis to come
 *   back; BullMQ sets maxRetriesPerRequest null on each worker's blocking connection itself.
 */
export type RedisUse = 'client' | 'producer' | 'worker';

// BullMQ's option type: ioredis's own takes it too.
export type RedisConnectionOptions = RedisOptions & { url: string };

const FAIL_FAST = { enableOfflineQueue: false, maxRetriesPerRequest: 1 } as const;

/** The one place that knows the Redis connection options, for ioredis clients and BullMQ connections alike. */
export function redisConnectionOptions(url: string, use: RedisUse): RedisConnectionOptions {
  switch (use) {
    case 'client':
      return {
        url,
        ...FAIL_FAST,
        connectTimeout: 2000,
        retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
        // Commands issued in the same tick (every concurrent ingest request's rate-limit and cap counts) go to
        // Redis as one write: measured on ingest, one round trip per tick instead of two per request.
        enableAutoPipelining: true,
      };
    case 'producer':
      return { url, ...FAIL_FAST };
    case 'worker':
      return { url };
  }
}
