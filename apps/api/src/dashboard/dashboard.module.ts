import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { BullBoardModule } from '@bull-board/nestjs';
import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { DISPATCH_QUEUES, LIFECYCLE_QUEUE } from '@app/queues';
import { dashboardAuth } from './dashboard-auth';
import { OperationsMetrics } from './operations-metrics';

export const DASHBOARD_ROUTE = '/admin/queues';

/**
 * The queue dashboard (Bull Board) at /admin/queues — every queue, its jobs, retry of failed ones — and the
 * pipeline gauges on /metrics, over the queues QueuesModule.forApi registers (fail-fast connections, so a
 * Redis outage never hangs an api request).
 */
@Module({})
export class DashboardModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: DashboardModule,
      imports: [
        BullBoardModule.forRoot({
          route: DASHBOARD_ROUTE,
          adapter: FastifyAdapter,
          middleware: dashboardAuth(config.auth.adminToken),
          boardOptions: { uiConfig: { boardTitle: 'Journey Store' } },
        }),
        BullBoardModule.forFeature(
          { name: LIFECYCLE_QUEUE, adapter: BullMQAdapter },
          ...Object.values(DISPATCH_QUEUES).map((name) => ({ name, adapter: BullMQAdapter })),
        ),
      ],
      // Queue-depth and pipeline gauges need the same queues as the dashboard.
      providers: [OperationsMetrics],
    };
  }
}
