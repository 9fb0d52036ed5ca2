import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { BullBoardModule } from '@bull-board/nestjs';
import { BullModule } from '@nestjs/bullmq';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { DEFAULT_JOB_OPTIONS, DISPATCH_JOB_OPTIONS, DISPATCH_QUEUE, LIFECYCLE_QUEUE } from '@app/queues';
import { dashboardAuth } from './dashboard-auth';
import { OperationsMetrics } from './operations-metrics';

export const DASHBOARD_ROUTE = '/admin/queues';

/**
 * The queue dashboard (Bull Board) at /admin/queues — every queue, its jobs, retry of failed ones — and the
 * pipeline gauges on /metrics. The
 * api's queue connections fail fast (no offline queue) so a Redis outage never hangs an api request.
 */
@Module({})
export class DashboardModule {
  static forRoot(config: AppConfig): DynamicModule {
    const connection = { url: config.redisUrl, enableOfflineQueue: false, maxRetriesPerRequest: 1 };
    return {
      module: DashboardModule,
      imports: [
        BullModule.forRoot({ connection, prefix: config.queuePrefix }),
        BullModule.registerQueue(
          { name: LIFECYCLE_QUEUE, defaultJobOptions: DEFAULT_JOB_OPTIONS },
          { name: DISPATCH_QUEUE, defaultJobOptions: DISPATCH_JOB_OPTIONS },
        ),
        BullBoardModule.forRoot({
          route: DASHBOARD_ROUTE,
          adapter: FastifyAdapter,
          middleware: dashboardAuth(config.auth.adminToken),
          boardOptions: { uiConfig: { boardTitle: 'Journey Store' } },
        }),
        BullBoardModule.forFeature(
          { name: LIFECYCLE_QUEUE, adapter: BullMQAdapter },
          { name: DISPATCH_QUEUE, adapter: BullMQAdapter },
        ),
      ],
      // Queue-depth and pipeline gauges need the same queues as the dashboard.
      providers: [OperationsMetrics],
    };
  }
}
