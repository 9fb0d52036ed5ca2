import type { OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import {
  CRM_RECONCILE_JOB_OPTIONS,
  CRM_RECONCILE_QUEUE,
  CRM_RECONCILE_SCHEDULER_ID,
  CrmReconcileJob,
} from './crm-reconcile';
import { DISPATCH_QUEUE, DispatchJob, LIFECYCLE_QUEUE, LifecycleJob } from './queue-names';
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

/** One CAPI event of a replay: its own dispatch job. */
export interface ReplayedCapiEvent {
  capiEventId: string;
  destination: string;
  jobId: string;
}

export class DispatchProducer extends Producer<DispatchJob> {
  static readonly queue = DISPATCH_QUEUE;

  /** One dispatch job for queued CAPI events of one destination. */
  async enqueue(destination: string, capiEventIds: string[], opts: { jobId: string }): Promise<void> {
    await this.queue.add('capi-events', { capiEventIds, destination }, { jobId: opts.jobId });
  }

  /** One dispatch job per replayed CAPI event. */
  async enqueueEach(events: readonly ReplayedCapiEvent[]): Promise<void> {
    await this.queue.addBulk(
      events.map(({ capiEventId, destination, jobId }) => ({
        name: 'capi-event',
        data: { capiEventIds: [capiEventId], destination },
        opts: { jobId },
      })),
    );
  }

  /** Resolves once connected (a fail-fast connection rejects while Redis is down). */
  async waitUntilReady(): Promise<void> {
    await this.queue.waitUntilReady();
  }

  /** Jobs waiting or delayed: a cheap read that fails at once when a fail-fast connection is down. */
  count(): Promise<number> {
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

/** Every producer: the queues they write to are the ones the worker must process (see job-registry.ts). */
export const PRODUCERS = [
  LifecycleProducer,
  DispatchProducer,
  UnjoinedSweepProducer,
  CrmReconcileProducer,
] as const;
