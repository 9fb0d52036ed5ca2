import type { RedisOptions } from 'bullmq';
import type { ClusterOptions } from 'ioredis';
import type { RedisNode } from '@app/config';

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

/** Seed nodes and options of an ioredis Cluster (REDIS_CLUSTER_NODES). */
export interface ClusterConnection {
  nodes: RedisNode[];
  options: ClusterOptions;
}

/**
 * The same behaviour on a Redis Cluster. ioredis wants each node's options under `redisOptions` and the
 * offline queue, auto-pipelining and reconnects at the top level. REDIS_URL lends its user, password and
 * `rediss:` (TLS) only: a cluster has no database number, and its hosts come from the nodes.
 */
export function redisClusterOptions(url: string, nodes: RedisNode[], use: RedisUse): ClusterConnection {
  const {
    url: credentialsUrl,
    enableOfflineQueue,
    enableAutoPipelining,
    retryStrategy,
    ...nodeOptions
  } = redisConnectionOptions(url, use);
  const parsed = new URL(credentialsUrl);
  const tls = parsed.protocol === 'rediss:';
  const options: ClusterOptions = {
    redisOptions: {
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      ...(tls ? { tls: {} } : {}),
      ...nodeOptions,
      // BullMQ refuses a worker's (blocking) cluster connection unless commands may wait indefinitely.
      ...(use === 'worker' ? { maxRetriesPerRequest: null } : {}),
    },
    // ioredis resolves a seed's name to an IP before connecting, and a TLS certificate names the host, not
    // the IP: with TLS keep the name (ElastiCache's advice for cluster mode).
    ...(tls
      ? {
          dnsLookup: (address: string, callback: (error: null, address: string) => void) =>
            callback(null, address),
        }
      : {}),
  };
  if (enableOfflineQueue !== undefined) options.enableOfflineQueue = enableOfflineQueue;
  if (enableAutoPipelining) options.enableAutoPipelining = enableAutoPipelining;
  if (retryStrategy) options.clusterRetryStrategy = (attempt) => retryStrategy(attempt);
  return { nodes: nodes.map(({ host, port }) => ({ host, port })), options };
}
