import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { REDIS } from '@app/queues';
import type { RedisClient } from '@app/queues';

const INTERVAL_MS = 10_000;
const FORGET_AFTER_MS = 24 * 3600_000;

/**
 * Each worker announces itself in Redis (`<prefix>:workers:<host>:<pid>`, expiring after 3 missed beats) so
 * operators and the api can tell whether any worker is alive; the timer also keeps the process running.
 * The beat also goes into one sorted set (`<prefix>:worker-beats`, member `<host>:<pid>`, score = ms), which
 * the api reads in one call (readiness, console) instead of scanning the keyspace. Both keys sit under the
 * queue prefix, hash-tagged on a Redis Cluster, so each beat's MULTI stays in one slot.
 */
@Injectable()
export class WorkerHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHeartbeat.name);
  private readonly key: string;
  private readonly beats: string;
  private readonly member = `${hostname()}:${process.pid}`;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    config: AppConfig,
  ) {
    this.key = `${config.queuePrefix}:workers:${this.member}`;
    this.beats = `${config.queuePrefix}:worker-beats`;
  }

  onApplicationBootstrap(): void {
    // Beat as soon as Redis is (again) reachable, not only on the timer.
    this.redis.on('ready', () => void this.beat());
    void this.beat();
    this.timer = setInterval(() => void this.beat(), INTERVAL_MS);
    this.logger.log('worker started');
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.redis
      .multi()
      .del(this.key)
      .zrem(this.beats, this.member)
      .exec()
      .catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const value = JSON.stringify({ pid: process.pid, at: new Date().toISOString() });
    const now = Date.now();
    await this.redis
      .multi()
      .set(this.key, value, 'PX', INTERVAL_MS * 3)
      .zadd(this.beats, now, this.member)
      // Processes gone for a day are forgotten (the console shows recent ones as stale).
      .zremrangebyscore(this.beats, '-inf', now - FORGET_AFTER_MS)
      .exec()
      .catch(() => undefined);
  }
}
