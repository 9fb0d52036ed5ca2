import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/db';
import { LoggingModule, ObservabilityModule } from '@app/observability';
import { DEFAULT_JOB_OPTIONS, LIFECYCLE_QUEUE, RedisModule } from '@app/queues';
import { LifecycleRelay } from './relay/lifecycle-relay';
import { WorkerHeartbeat } from './worker-heartbeat';

/** The BullMQ worker process: no HTTP. Processors for the lifecycle and dispatch queues register here. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot({ http: false }),
        ObservabilityModule,
        DatabaseModule,
        RedisModule,
        BullModule.forRoot({ connection: { url: config.redisUrl }, prefix: config.queuePrefix }),
        // The relay's producer connection fails fast while Redis is down (no offline queue), so a stuck
        // add never holds the relay's Postgres transaction open.
        BullModule.registerQueue({
          name: LIFECYCLE_QUEUE,
          connection: { url: config.redisUrl, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
          defaultJobOptions: DEFAULT_JOB_OPTIONS,
        }),
      ],
      providers: [WorkerHeartbeat, LifecycleRelay],
    };
  }
}
