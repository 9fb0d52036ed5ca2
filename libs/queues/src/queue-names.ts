/** BullMQ queues. Job ids are derived from Postgres row ids, so a re-enqueued row is never a second job. */
export const LIFECYCLE_QUEUE = 'lifecycle';

/** One queue per concern; dispatch jobs carry their destination (pixel) so batches never mix pixels. */
export const DISPATCH_QUEUE = 'dispatch';

/** Payload of a dispatch job: one queued CAPI event. */
export interface DispatchJob {
  capiEventId: string;
  destination: string;
}

/**
 * Payload of a lifecycle job: a batch of stored lifecycle events to join and send. One job per batch keeps
 * queue overhead per event small and lets the worker join, fetch journeys and write outcomes in a few
 * set-based statements. `lifecycleEventId` is the one-event shape of jobs queued before batching.
 */
export interface LifecycleJob {
  lifecycleEventIds?: string[];
  lifecycleEventId?: string;
}

/** Lifecycle events per lifecycle job. */
export const LIFECYCLE_BATCH_SIZE = 100;

/** Bounded retention so Redis does not grow without limit (completed: a day, failed: a week). */
export const DEFAULT_JOB_OPTIONS = {
  attempts: 8,
  // Exponential with jitter, so a Graph outage does not end in a synchronised retry storm.
  backoff: { type: 'exponential', delay: 1000, jitter: 0.5 },
  removeOnComplete: { age: 24 * 3600, count: 100_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/**
 * Dispatch retries outlast a Graph outage of hours (2 s doubling, 14 attempts ≈ 9 h in all), well inside
 * Meta's 7-day window; events that age past it are parked as expired before any send.
 */
export const DISPATCH_JOB_OPTIONS = {
  ...DEFAULT_JOB_OPTIONS,
  attempts: 14,
  backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
} as const;
