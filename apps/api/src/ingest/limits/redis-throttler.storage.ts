import { Logger } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import type { RedisClient } from '@app/queues';

interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

// One round trip, atomic: a fixed window of `ttl` ms counted in KEYS[1]; past the limit KEYS[2] blocks the
// tracker for `blockDuration` ms. Both keys share a hash tag, so the script also runs on Redis Cluster.
const INCREMENT = `
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then
  return {tonumber(redis.call('GET', KEYS[1]) or '0'), math.max(redis.call('PTTL', KEYS[1]), 0), 1, blocked}
end
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
  return {hits, ttl, 1, tonumber(ARGV[3])}
end
return {hits, ttl, 0, 0}`;

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * @nestjs/throttler's counts kept in Redis, so every api process and replica shares one limit per tracker.
 * Redis down fails open: a visitor's touchpoint is worth more than a limit, and the api must never wait on
 * Redis (the client is the fail-fast one).
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger(RedisThrottlerStorage.name);
  private failing = false;

  private readonly increments: (...args: string[]) => Promise<[number, number, number, number]>;

  constructor(
    redis: RedisClient,
    private readonly prefix: string,
  ) {
    // A defined command runs as EVALSHA: the script is sent and compiled once, not with every request.
    redis.defineCommand('journeyThrottleIncrement', { numberOfKeys: 2, lua: INCREMENT });
    const command = (redis as unknown as Record<string, (...args: string[]) => Promise<unknown>>)
      .journeyThrottleIncrement;
    this.increments = (...args) => command.apply(redis, args) as Promise<[number, number, number, number]>;
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const base = `${this.prefix}:throttle:{${throttlerName}:${key}}`;
    try {
      const [totalHits, ttlMs, blocked, blockMs] = await this.increments(
        `${base}:hits`,
        `${base}:block`,
        String(ttl),
        String(limit),
        String(blockDuration),
      );
      this.failing = false;
      return {
        totalHits,
        timeToExpire: seconds(ttlMs),
        isBlocked: blocked === 1,
        timeToBlockExpire: blocked === 1 ? seconds(blockMs) : 0,
      };
    } catch (error) {
      if (!this.failing) this.logger.warn(`rate limits off while Redis fails: ${(error as Error).message}`);
      this.failing = true;
      return { totalHits: 0, timeToExpire: seconds(ttl), isBlocked: false, timeToBlockExpire: 0 };
    }
  }
}
