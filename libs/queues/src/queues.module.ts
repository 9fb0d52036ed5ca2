import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '@app/config';
import { CRM_RECONCILE_JOB_OPTIONS, CRM_RECONCILE_QUEUE } from './crm-reconcile';
import { DATA_MAINTENANCE_JOB_OPTIONS, DATA_MAINTENANCE_QUEUE } from './data-maintenance';
import {
  CrmReconcileProducer,
  DataMaintenanceProducer,
  DispatchProducer,
  LifecycleProducer,
  UnjoinedSweepProducer,
} from './producers';
import {
  DEFAULT_JOB_OPTIONS,
  DISPATCH_JOB_OPTIONS,
  DISPATCH_QUEUES,
  DispatchJob,
  DispatchPlatform,
  LIFECYCLE_QUEUE,
} from './queue-names';
import { BullConnections } from './bull-connections';
import { RedisUse } from './redis-connection';
import { UNJOINED_SWEEP_JOB_OPTIONS, UNJOINED_SWEEP_QUEUE } from './unjoined-sweep';

/** Each queue's job options: every producer of a queue, in either app, adds jobs with these. */
const JOB_OPTIONS = {
  [LIFECYCLE_QUEUE]: DEFAULT_JOB_OPTIONS,
  [DISPATCH_QUEUES.meta]: DISPATCH_JOB_OPTIONS,
  [DISPATCH_QUEUES.google]: DISPATCH_JOB_OPTIONS,
  [DISPATCH_QUEUES.tiktok]: DISPATCH_JOB_OPTIONS,
  [DISPATCH_QUEUES.linkedin]: DISPATCH_JOB_OPTIONS,
  [UNJOINED_SWEEP_QUEUE]: UNJOINED_SWEEP_JOB_OPTIONS,
  [DATA_MAINTENANCE_QUEUE]: DATA_MAINTENANCE_JOB_OPTIONS,
  [CRM_RECONCILE_QUEUE]: CRM_RECONCILE_JOB_OPTIONS,
} as const;
type QueueName = keyof typeof JOB_OPTIONS;

/** BullMQ's connection and prefix for the app, and its queues (exported: processors and readers inject them). */
const registered = (connections: BullConnections, config: AppConfig, use: RedisUse, names: QueueName[]) => {
  const queues = BullModule.registerQueue(
    ...names.map((name) => ({ name, defaultJobOptions: JOB_OPTIONS[name] })),
  );
  const connection = BullModule.forRoot({
    connection: connections.connection(use),
    prefix: config.queuePrefix,
  });
  // Closes shared cluster clients once these queues (and the app's own) have closed.
  const closer = {
    provide: BullConnections,
    inject: names.map((name) => getQueueToken(name)),
    useFactory: (...registeredQueues: Queue[]) => {
      connections.track(...registeredQueues);
      return connections;
    },
  };
  return { imports: [connection, queues], exports: [queues], providers: [closer] };
};

/** Logs the first error of an outage once (without a listener an 'error' event would crash the process). */
function reportOutageOnce(logger: Logger, what: string): (error: Error) => void {
  let reported = false;
  return (error) => {
    if (!reported) logger.warn(`Redis unavailable for ${what}: ${error.message}`);
    reported = true;
  };
}

/**
 * A queue of a producer's own, on a connection that fails fast while Redis is down (an add rejects at once
 * instead of waiting), so a caller that must not wait never does.
 */
function ownFailFastQueue<T>(
  connections: BullConnections,
  config: AppConfig,
  name: QueueName,
  onError: (error: Error) => void,
): Queue<T> {
  const queue = new Queue<T>(name, {
    connection: connections.connection('producer'),
    prefix: config.queuePrefix,
    defaultJobOptions: JOB_OPTIONS[name],
  });
  queue.on('error', onError);
  connections.track(queue as Queue);
  return queue;
}

/** A queue per platform, by the platform's dispatch queue name. */
function perPlatform(
  queue: (name: (typeof DISPATCH_QUEUES)[DispatchPlatform]) => Queue<DispatchJob>,
): Record<DispatchPlatform, Queue<DispatchJob>> {
  return {
    meta: queue(DISPATCH_QUEUES.meta),
    google: queue(DISPATCH_QUEUES.google),
    tiktok: queue(DISPATCH_QUEUES.tiktok),
    linkedin: queue(DISPATCH_QUEUES.linkedin),
  };
}

/**
 * The BullMQ queues (prefix QUEUE_PREFIX, each with its job options) and their typed producers, the only
 * way the apps add jobs. The queues registered here also serve the worker's processors and the api's
 * dashboard and gauges (@InjectQueue, for reads).
 */
@Module({})
export class QueuesModule {
  /**
   * The api: fail-fast connections throughout (a Redis outage never hangs a request). Replays add dispatch
   * jobs on a queue of their own, which reports an outage once and closes within a bound at shutdown.
   */
  static forApi(config: AppConfig): DynamicModule {
    const logger = new Logger(DispatchProducer.name);
    const connections = new BullConnections(config);
    const bull = registered(connections, config, 'producer', [
      LIFECYCLE_QUEUE,
      ...Object.values(DISPATCH_QUEUES),
    ]);
    return {
      module: QueuesModule,
      global: true,
      imports: bull.imports,
      providers: [
        ...bull.providers,
        {
          provide: DispatchProducer,
          // Depends on the connections, so Nest closes its queues before their shared cluster clients.
          inject: [BullConnections],
          useFactory: (connections: BullConnections) =>
            new DispatchProducer(
              perPlatform((name) =>
                ownFailFastQueue(connections, config, name, reportOutageOnce(logger, 'replays')),
              ),
              true,
            ),
        },
      ],
      exports: [...bull.exports, DispatchProducer],
    };
  }

  /**
   * The worker: its processors' queues wait for Redis to come back. The relay adds lifecycle jobs on a
   * fail-fast queue of its own, so a stuck add never holds its Postgres transaction open (it reports the
   * outage itself).
   */
  static forWorker(config: AppConfig): DynamicModule {
    const connections = new BullConnections(config);
    const bull = registered(connections, config, 'worker', [
      LIFECYCLE_QUEUE,
      ...Object.values(DISPATCH_QUEUES),
      UNJOINED_SWEEP_QUEUE,
      DATA_MAINTENANCE_QUEUE,
      CRM_RECONCILE_QUEUE,
    ]);
    return {
      module: QueuesModule,
      global: true,
      imports: bull.imports,
      providers: [
        ...bull.providers,
        {
          provide: LifecycleProducer,
          // Depends on the connections, so Nest closes its queue before their shared cluster clients.
          inject: [BullConnections],
          useFactory: (connections: BullConnections) =>
            new LifecycleProducer(
              ownFailFastQueue(connections, config, LIFECYCLE_QUEUE, () => undefined),
              true,
            ),
        },
        {
          provide: DispatchProducer,
          inject: Object.values(DISPATCH_QUEUES).map((name) => getQueueToken(name)),
          useFactory: (...queues: Queue<DispatchJob>[]) =>
            new DispatchProducer(
              perPlatform((name) => queues[Object.values(DISPATCH_QUEUES).indexOf(name)]),
              false,
            ),
        },
        {
          provide: UnjoinedSweepProducer,
          inject: [getQueueToken(UNJOINED_SWEEP_QUEUE)],
          useFactory: (queue: Queue) => new UnjoinedSweepProducer(queue, false),
        },
        {
          provide: DataMaintenanceProducer,
          inject: [getQueueToken(DATA_MAINTENANCE_QUEUE)],
          useFactory: (queue: Queue) => new DataMaintenanceProducer(queue, false),
        },
        {
          provide: CrmReconcileProducer,
          inject: [getQueueToken(CRM_RECONCILE_QUEUE)],
          useFactory: (queue: Queue) => new CrmReconcileProducer(queue, false),
        },
      ],
      exports: [
        ...bull.exports,
        LifecycleProducer,
        DispatchProducer,
        UnjoinedSweepProducer,
        DataMaintenanceProducer,
        CrmReconcileProducer,
      ],
    };
  }
}
