import {
  Global,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { Cluster } from 'ioredis';
import { AppConfig } from '@app/config';
import { createRedisClient, type RedisClient, type RedisTarget } from './redis-client';

export const REDIS = Symbol('REDIS');
const logger = new Logger('Redis');

/**
 * A Redis client that fails fast: with the offline queue off, a command while Redis is down rejects at once
 * instead of hanging (an HTTP request must never wait on Redis). It keeps reconnecting in the background.
 */
export function createFailFastRedis(target: RedisTarget): RedisClient {
  const client = createRedisClient(target, 'client');
  let reported = false;
  client.on('error', (error) => {
    if (!reported) logger.warn(`Redis unavailable: ${error.message}`);
    reported = true;
  });
  client.on('ready', () => {
    if (reported) logger.log('Redis reachable again');
    reported = false;
  });
  return client;
}

/**
 * BullMQ keeps jobs as Redis keys: with any eviction policy but noeviction, Redis under memory pressure
 * silently deletes jobs. Checked once at start-up; a loud warning, not a refusal (managed Redis may hide
 * CONFIG, and a dev Redis may legitimately differ).
 */
@Injectable()
class RedisPolicyCheck implements OnApplicationBootstrap {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  onApplicationBootstrap(): void {
    void this.check(); // never delays start-up, even with Redis down
  }

  private async check(): Promise<void> {
    if (this.redis.status !== 'ready') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        this.redis.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    // On a cluster every master holds keys, so each one's policy matters.
    const servers = this.redis instanceof Cluster ? this.redis.nodes('master') : [this.redis];
    for (const server of servers) {
      const policy = await server
        .config('GET', 'maxmemory-policy')
        .then((reply) => (reply as string[])[1])
        .catch(() => undefined);
      if (policy && policy !== 'noeviction') {
        const where = servers.length > 1 ? ` on ${server.options.host}:${server.options.port}` : '';
        logger.warn(
          `Redis maxmemory-policy is "${policy}"${where}: queued jobs can be evicted and lost. Set maxmemory-policy noeviction.`,
        );
      }
    }
  }
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: RedisClient) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => createFailFastRedis(config),
    },
    RedisCloser,
    RedisPolicyCheck,
  ],
  exports: [REDIS],
})
export class RedisModule {}
