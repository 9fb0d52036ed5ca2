import type { OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import {
  DATA_MAINTENANCE_JOB_OPTIONS,
  DATA_MAINTENANCE_QUEUE,
  DATA_MAINTENANCE_SCHEDULER_ID,
} from './data-maintenance';
import {
  CRM_RECONCILE_JOB_OPTIONS,
  CRM_RECONCILE_QUEUE,
  CRM_RECONCILE_SCHEDULER_ID,
  CrmReconcileJob,
} from './crm-reconcile';
import { DISPATCH_QUEUES, DispatchJob, DispatchPlatform, LIFECYCLE_QUEUE, LifecycleJob } from './queue-names';
import {
  UNJOINED_SWEEP_JOB_OPTIONS,
  UNJOINED_SWEEP_QUEUE,
  UNJOINED_SWEEP_SCHEDULER_ID,
} from './unjoined-sweep';

/** A shutdown never waits on an unreachable Redis: past this, the connection is cut. */
const CLOSE_TIMEOUT_MS = 3000;

/**
 * The one way the apps add jobs to a queue. A producer built on a queue of its own (`owned`) closes it at
 * shutdown; one built on a queue registered with @nestjs/bullmq leaves that to the module.
 */
abstract class Producer<T> implements OnApplicationShutdown {
  constructor(
    protected readonly queue: Queue<T>,
    private readonly owned: boolean,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    if (!this.owned) return;
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      this.queue.close().then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    if (!closed) await this.queue.disconnect().catch(() => undefined);
  }
}

/** A batch of stored lifecycle events and its job id (derived from the rows: re-enqueued, never a second job). */
export interface LifecycleBatch {
  jobId: string;
  ids: string[];
}

export class LifecycleProducer extends Producer<LifecycleJob> {
  static readonly queue = LIFECYCLE_QUEUE;

  /** One job per batch. */
  async enqueue(batches: readonly LifecycleBatch[]): Promise<void> {
    await this.queue.addBulk(
      batches.map(({ jobId, ids }) => ({
        name: 'lifecycle-events',
        data: { lifecycleEventIds: ids },
        opts: { jobId },
      })),
    );
  }
}

/** One dispatch of a replay: its own dispatch job. */
export interface ReplayedDispatch {
  dispatchId: string;
  platform: DispatchPlatform;
  destination: string;
  jobId: string;
}

/** Adds dispatch jobs to each platform's own queue. */
export class DispatchProducer implements OnApplicationShutdown {
  static readonly queues: readonly string[] = Object.values(DISPATCH_QUEUES);
  private readonly producers: Record<DispatchPlatform, QueueProducer<DispatchJob>>;

  constructor(queues: Record<DispatchPlatform, Queue<DispatchJob>>, owned: boolean) {
    this.producers = {
      meta: new QueueProducer(queues.meta, owned),
      google: new QueueProducer(queues.google, owned),
      tiktok: new QueueProducer(queues.tiktok, owned),
      linkedin: new QueueProducer(queues.linkedin, owned),
    };
  }

  /** One dispatch job for queued dispatches of one destination. */
  async enqueue(
    platform: DispatchPlatform,
    destination: string,
    dispatchIds: string[],
    opts: { jobId: string },
  ): Promise<void> {
    await this.producers[platform].add('dispatches', { dispatchIds, destination }, opts.jobId);
  }

  /** One dispatch job per replayed dispatch, on its platform's queue. */
  async enqueueEach(dispatches: readonly ReplayedDispatch[]): Promise<void> {
    await Promise.all(
      Object.entries(this.producers).map(([platform, producer]) => {
        const mine = dispatches.filter((dispatch) => dispatch.platform === platform);
        return mine.length
          ? producer.addBulk(
              mine.map(({ dispatchId, destination, jobId }) => ({
                name: 'dispatch',
                data: { dispatchIds: [dispatchId], destination },
                opts: { jobId },
              })),
            )
          : undefined;
      }),
    );
  }

  /** Resolves once connected (a fail-fast connection rejects while Redis is down). */
  async waitUntilReady(): Promise<void> {
    await Promise.all(Object.values(this.producers).map((producer) => producer.waitUntilReady()));
  }

  /** Jobs waiting or delayed on every platform's queue: fails at once when a fail-fast connection is down. */
  async count(): Promise<number> {
    const counts = await Promise.all(Object.values(this.producers).map((producer) => producer.count()));
    return counts.reduce((sum, count) => sum + count, 0);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(Object.values(this.producers).map((producer) => producer.onApplicationShutdown()));
  }
}

/** A plain producer on one queue (the dispatch producer holds one per platform). */
class QueueProducer<T> extends Producer<T> {
  add(name: string, data: T, jobId: string) {
    return (this.queue as Queue).add(name, data, { jobId });
  }
  addBulk(jobs: { name: string; data: T; opts: { jobId: string } }[]) {
    return (this.queue as Queue).addBulk(jobs);
  }
  waitUntilReady() {
    return this.queue.waitUntilReady();
  }
  count() {
    return this.queue.count();
  }
}

export class UnjoinedSweepProducer extends Producer<unknown> {
  static readonly queue = UNJOINED_SWEEP_QUEUE;

  /** Upserts the one job scheduler (one id for every worker) that adds a sweep job per interval. */
  async schedule(everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(
      UNJOINED_SWEEP_SCHEDULER_ID,
      { every: everyMs },
      { name: 'sweep', opts: UNJOINED_SWEEP_JOB_OPTIONS },
    );
  }
}

export class DataMaintenanceProducer extends Producer<unknown> {
  static readonly queue = DATA_MAINTENANCE_QUEUE;

  /** Upserts the one job scheduler (one id for every worker) that adds a maintenance job per interval. */
  async schedule(everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(
      DATA_MAINTENANCE_SCHEDULER_ID,
      { every: everyMs },
      { name: 'maintenance', opts: DATA_MAINTENANCE_JOB_OPTIONS },
    );
  }
}

export class CrmReconcileProducer extends Producer<CrmReconcileJob> {
  static readonly queue = CRM_RECONCILE_QUEUE;

  /** Upserts the one job scheduler (one id for every worker) that adds a sweep job per interval. */
  async schedule(everyMs: number): Promise<void> {
    await this.queue.upsertJobScheduler(
      CRM_RECONCILE_SCHEDULER_ID,
      { every: everyMs },
      { name: 'reconcile', data: {}, opts: CRM_RECONCILE_JOB_OPTIONS },
    );
  }

  /** Removes the scheduler (no CRM has API credentials any more): no empty sweeps every interval. */
  async unschedule(): Promise<void> {
    await this.queue.removeJobScheduler(CRM_RECONCILE_SCHEDULER_ID);
  }
}

/** Every queue a producer writes to: the worker must process each (see job-registry.ts). */
export const PRODUCED_QUEUES: readonly string[] = [
  LifecycleProducer.queue,
  ...DispatchProducer.queues,
  UnjoinedSweepProducer.queue,
  DataMaintenanceProducer.queue,
  CrmReconcileProducer.queue,
];
