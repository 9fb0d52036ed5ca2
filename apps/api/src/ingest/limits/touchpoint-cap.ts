import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { REDIS } from '@app/queues';
import type { RedisClient } from '@app/queues';

const HOUR_MS = 3_600_000;

const COUNT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return count`;

/**
 * Caps the touchpoints one external_id may add per clock hour (MAX_TOUCHPOINTS_PER_VISITOR_PER_HOUR): a
 * script or a stuck tag looping on one visitor cannot fill the disk through a legitimate key or origin. The
 * count lives in Redis so every api process shares it; Redis down fails open (signal is never lost to it).
 */
@Injectable()
export class TouchpointCap {
  private readonly count: (key: string, ttlMs: string) => Promise<number>;

  constructor(
    @Inject(REDIS) redis: RedisClient,
    private readonly config: AppConfig,
  ) {
    // One EVALSHA per touchpoint: the count, and the key's expiry set by the hour's first touchpoint.
    redis.defineCommand('journeyTouchpointCount', { numberOfKeys: 1, lua: COUNT });
    const command = (redis as unknown as Record<string, (...args: string[]) => Promise<number>>)
      .journeyTouchpointCount;
    this.count = (key, ttlMs) => command.call(redis, key, ttlMs);
  }

  /** True while this external_id is within its hourly allowance (this touchpoint counted). */
  async allows(externalId: string, now = Date.now()): Promise<boolean> {
    const hour = Math.floor(now / HOUR_MS);
    const visitor = createHash('sha256').update(externalId).digest('hex').slice(0, 32);
    const key = `${this.config.keyPrefix}:tpcap:${hour}:${visitor}`;
    try {
      const count = await this.count(key, String(HOUR_MS + 60_000));
      return count <= this.config.limits.touchpointsPerVisitorPerHour;
    } catch {
      return true;
    }
  }
}
