import { IsOptional, Matches, MaxLength, ValidateBy } from 'class-validator';
import { CrmEnvironment } from './crm-environment';

/** One seed node of a Redis Cluster. */
export interface RedisNode {
  host: string;
  port: number;
}

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])$/;

/**
 * REDIS_CLUSTER_NODES: `host:port,host:port` (an IPv6 address in brackets, `[::1]:7000`). Throws naming the
 * first bad entry; an empty list is an error too (the setting is unset, not empty, when unused).
 */
export function parseRedisClusterNodes(value: string): RedisNode[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (!entries.length) throw new Error('names no node');
  return entries.map((entry) => {
    const match = /^(.+):(\d{1,5})$/.exec(entry);
    const port = match ? Number(match[2]) : 0;
    if (!match || !HOST.test(match[1]) || port < 1 || port > 65535)
      throw new Error(`"${entry}" is not host:port`);
    return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port };
  });
}

/**
 * BullMQ on a cluster runs Lua scripts over every key of a queue, so they must share a slot: the prefix gets a
 * hash tag. A prefix that already has one (`{journey}`, `app:{jobs}`) is kept as it is.
 */
export function hashTaggedPrefix(prefix: string): string {
  return /\{[^{}]+\}/.test(prefix) ? prefix : `{${prefix}}`;
}

/**
 * Where Redis is: one server (REDIS_URL) or a cluster (REDIS_CLUSTER_NODES, seed nodes; REDIS_URL then only
 * lends its credentials and `rediss:` TLS), and the key prefix of the queues and of the app's own keys.
 */
export class RedisEnvironment extends CrmEnvironment {
  @IsOptional()
  @ValidateBy({
    name: 'isRedisClusterNodes',
    validator: {
      validate: (value: unknown) => {
        try {
          return typeof value === 'string' && parseRedisClusterNodes(value).length > 0;
        } catch {
          return false;
        }
      },
      defaultMessage: (args) => {
        let why = 'is invalid';
        try {
          parseRedisClusterNodes(String(args?.value));
        } catch (error) {
          why = (error as Error).message;
        }
        return `REDIS_CLUSTER_NODES must be a comma list of host:port (10.0.0.1:6379,10.0.0.2:6379): ${why}`;
      },
    },
  })
  REDIS_CLUSTER_NODES?: string;

  /** BullMQ key prefix: lets several deployments (or test runs) share one Redis. */
  @MaxLength(64, { message: 'QUEUE_PREFIX may be at most 64 characters' })
  @Matches(/^[A-Za-z0-9_:-]*(\{[A-Za-z0-9_:-]+\})?[A-Za-z0-9_:-]*$/, {
    message: 'QUEUE_PREFIX may hold letters, digits, _ : - and one {hash tag}',
  })
  QUEUE_PREFIX = 'bull';
}
