import { DynamicModule, Module, Provider } from '@nestjs/common';
import { GraphClient } from '@app/destinations';
import { AppConfig, ConfigModule } from '@app/config';
import { loadStageMap, StageMap } from '@app/crm';
import { DatabaseModule } from '@app/db';
import { LoggingModule, ObservabilityModule } from '@app/observability';
import { assertOneProcessorPerQueue, QueuesModule, RedisModule } from '@app/queues';
import { CapiBatcher } from './dispatch/capi-batcher';
import { DispatchProcessor } from './dispatch/dispatch.processor';
import { crmApiProviders } from './crm-api.providers';
import { CrmContactLookup } from './lifecycle/crm-contact-lookup';
import { CrmFactsReader } from './lifecycle/crm-facts';
import { LifecycleJoiner } from './lifecycle/lifecycle-joiner';
import { LifecycleProcessor } from './lifecycle/lifecycle.processor';
import { CrmReconcileProcessor } from './reconcile/crm-reconcile.processor';
import { CrmReconciler } from './reconcile/crm-reconciler';
import { LifecycleRelay } from './relay/lifecycle-relay';
import { StaleWorkReconciler } from './relay/stale-work-reconciler';
import { UnjoinedSweepProcessor } from './relay/unjoined-sweep.processor';
import { WorkerHeartbeat } from './worker-heartbeat';

/**
 * The BullMQ worker process: no HTTP. Relay (inbox → lifecycle queue), lifecycle join, CAPI dispatch, the
 * unjoined sweep, the CRM reconciliation sweep.
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
      LifecycleRelay,
      StaleWorkReconciler,
      UnjoinedSweepProcessor,
      CrmReconciler,
      CrmReconcileProcessor,
      LifecycleJoiner,
      CrmContactLookup,
      CrmFactsReader,
      LifecycleProcessor,
      CapiBatcher,
      DispatchProcessor,
      {
        provide: GraphClient,
        useFactory: () =>
          new GraphClient({
            graphUrl: config.meta.graphUrl,
            apiVersion: config.meta.apiVersion,
            partnerAgent: config.meta.partnerAgent,
          }),
      },
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
