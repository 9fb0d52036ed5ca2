import Redis, { Cluster } from 'ioredis';
import type { RedisNode } from '@app/config';
import { redisClusterOptions, redisConnectionOptions, RedisUse } from './redis-connection';

/** A client of one Redis server, or of a Redis Cluster when REDIS_CLUSTER_NODES is set. */
export type RedisClient = Redis | Cluster;

/** Where Redis is (AppConfig's redisUrl and redisClusterNodes). */
export interface RedisTarget {
  redisUrl: string;
  redisClusterNodes?: RedisNode[];
}

/** An ioredis client with the connection behaviour of its use (redis-connection.ts), single or cluster. */
export function createRedisClient(target: RedisTarget, use: RedisUse): RedisClient {
  if (target.redisClusterNodes) {
    const { nodes, options } = redisClusterOptions(target.redisUrl, target.redisClusterNodes, use);
    return new Cluster(nodes, options);
  }
  const { url, ...options } = redisConnectionOptions(target.redisUrl, use);
  return new Redis(url, options);
}

/**
 * What BullMQ connects with: connection options for one server (BullMQ opens and closes its own
 * connections, as before), or a Cluster instance, which BullMQ shares between queues and duplicates for
 * workers, and which its owner must close (see SharedClusterCloser).
 */
export function bullConnection(
  target: RedisTarget,
  use: RedisUse,
): ReturnType<typeof redisConnectionOptions> | Cluster {
  return target.redisClusterNodes
    ? (createRedisClient(target, use) as Cluster)
    : redisConnectionOptions(target.redisUrl, use);
}
