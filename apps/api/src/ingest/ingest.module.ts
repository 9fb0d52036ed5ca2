import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { AppConfig } from '@app/config';
import { REDIS } from '@app/queues';
import type { RedisClient } from '@app/queues';
import type { IngestRequest } from '../common/request-auth';
import { FormService } from './form.service';
import { IngestController } from './ingest.controller';
import { IngestThrottlerGuard, ingestTracker } from './limits/ingest-throttler.guard';
import { RedisThrottlerStorage } from './limits/redis-throttler.storage';
import { TouchpointCap } from './limits/touchpoint-cap';
import { TouchpointService } from './touchpoint.service';

const MINUTE_MS = 60_000;

@Module({
  imports: [
    // Per minute: servers per API key, browsers per client IP; counts shared through Redis by all processes.
    ThrottlerModule.forRootAsync({
      inject: [AppConfig, REDIS],
      useFactory: (config: AppConfig, redis: RedisClient) => ({
        storage: new RedisThrottlerStorage(redis, config.keyPrefix),
        getTracker: (request) => ingestTracker(request as IngestRequest),
        throttlers: [
          {
            ttl: MINUTE_MS,
            limit: (context) =>
              context.switchToHttp().getRequest<IngestRequest>().ingestCaller?.source === 'server'
                ? config.limits.perKeyPerMinute
                : config.limits.perIpPerMinute,
          },
        ],
      }),
    }),
  ],
  controllers: [IngestController],
  providers: [TouchpointService, FormService, TouchpointCap, IngestThrottlerGuard],
})
export class IngestModule {}
