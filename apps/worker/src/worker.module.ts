import { DynamicModule, Module, Provider } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@app/config';
import { loadStageMap, StageMap } from '@app/crm';
import { DatabaseModule } from '@app/db';
import { LoggingModule, ObservabilityModule } from '@app/observability';
import { assertOneProcessorPerQueue, QueuesModule, RedisModule } from '@app/queues';
import { DestinationRegistry } from './dispatch/destination-registry';
import { DispatchBatcher } from './dispatch/dispatch-batcher';
import { DISPATCH_PROCESSORS } from './dispatch/dispatch.processor';
import { GoogleRequestStatusPoller } from './dispatch/google-request-status';
import { CrmFactsReader } from './lifecycle/crm-facts';
import { LifecycleJoiner } from './lifecycle/lifecycle-joiner';
import { LifecycleProcessor } from './lifecycle/lifecycle.processor';
import { DataMaintenanceProcessor } from './maintenance/data-maintenance.processor';
import { WorkerMetricsServer } from './metrics/worker-metrics.server';
import { crmApiProviders } from './crm-api.providers';
import { CrmContactLookup } from './lifecycle/crm-contact-lookup';
import { CrmReconcileProcessor } from './reconcile/crm-reconcile.processor';
import { CrmReconciler } from './reconcile/crm-reconciler';
import { LifecycleRelay } from './relay/lifecycle-relay';
import { StaleWorkReconciler } from './relay/stale-work-reconciler';
import { UnjoinedSweepProcessor } from './relay/unjoined-sweep.processor';
import { WorkerHeartbeat } from './worker-heartbeat';

/**
 * The BullMQ worker process: no Nest HTTP (its /metrics is a bare node:http server). Relay (inbox → lifecycle
 * queue), lifecycle join, dispatch per destination, the unjoined sweep, the CRM reconciliation sweep, daily data
 * maintenance (touchpoint partitions, retention).
 */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    const providers = WorkerModule.providers(config);
    assertOneProcessorPerQueue(providers);
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot({ http: false }),
        ObservabilityModule,
        DatabaseModule,
        RedisModule,
        QueuesModule.forWorker(config),
      ],
      providers,
    };
  }

  private static providers(config: AppConfig): Provider[] {
    return [
      WorkerHeartbeat,
      WorkerMetricsServer,
      LifecycleRelay,
      StaleWorkReconciler,
      UnjoinedSweepProcessor,
      DataMaintenanceProcessor,
      CrmReconciler,
      CrmReconcileProcessor,
      LifecycleJoiner,
      CrmContactLookup,
      CrmFactsReader,
      LifecycleProcessor,
      DestinationRegistry,
      DispatchBatcher,
      GoogleRequestStatusPoller,
      ...DISPATCH_PROCESSORS,
      {
        // The same mapping as the api's (changes stored without their pipeline are mapped again here);
        // a bad STAGE_MAP_FILE stops the worker at start-up too.
        provide: StageMap,
        useFactory: () => loadStageMap(config.stageMapFile),
      },
      ...crmApiProviders(config),
    ];
  }
}
