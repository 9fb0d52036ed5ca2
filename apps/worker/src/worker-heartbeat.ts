import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '@app/config';
import { REDIS } from '@app/queues';

const INTERVAL_MS = 10_000;

/**
 * Each worker announces itself in Redis (`<prefix>:workers:<host>:<pid>`, expiring after 3 missed beats) so
 * operators and the api can tell whether any worker is alive; the timer also keeps the process running.
 */
@Injectable()
export class WorkerHeartbeat implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerHeartbeat.name);
  private readonly key: string;
  private timer?: NodeJS.Timeout;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    config: AppConfig,
  ) {
    this.key = `${config.queuePrefix}:workers:${hostname()}:${process.pid}`;
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
    await this.redis.del(this.key).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    const value = JSON.stringify({ pid: process.pid, at: new Date().toISOString() });
    await this.redis.set(this.key, value, 'PX', INTERVAL_MS * 3).catch(() => undefined);
  }
}
