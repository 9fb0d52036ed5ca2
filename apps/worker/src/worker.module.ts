import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/db';
import { LoggingModule, ObservabilityModule } from '@app/observability';
import { RedisModule } from '@app/queues';
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
      ],
      providers: [WorkerHeartbeat],
    };
  }
}
