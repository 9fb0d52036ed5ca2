import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@app/config';
import { DatabaseModule } from '@app/db';
import { LoggingModule, ObservabilityModule } from '@app/observability';
import { QueuesModule, RedisModule } from '@app/queues';
import { DashboardModule } from './dashboard/dashboard.module';
import { AdminModule } from './admin/admin.module';
import { ConsoleModule } from './console/console.module';
import { HealthModule } from './health/health.module';
import { IngestModule } from './ingest/ingest.module';
import { JourneysModule } from './journeys/journeys.module';
import { TagModule } from './tag/tag.module';
import { ClusterMetrics } from './metrics/cluster-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot({ http: true }),
        ObservabilityModule,
        DatabaseModule,
        RedisModule,
        QueuesModule.forApi(config),
        HealthModule,
        IngestModule,
        JourneysModule,
        WebhooksModule,
        AdminModule,
        ConsoleModule,
        TagModule,
        DashboardModule.forRoot(config),
      ],
      controllers: [MetricsController],
      providers: [ClusterMetrics],
    };
  }
}
