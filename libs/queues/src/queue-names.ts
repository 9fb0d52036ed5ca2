/** BullMQ queues. Job ids are derived from Postgres row ids, so a re-enqueued row is never a second job. */
export const LIFECYCLE_QUEUE = 'lifecycle';

/**
 * One dispatch queue per ad platform, so a platform that is down or throttled never holds another's jobs
 * (each has its own concurrency, retries and back-off). Meta's keeps the name it had when it was the only one:
 * jobs queued before an upgrade still run.
 */
export const DISPATCH_QUEUE = 'dispatch';
export const DISPATCH_QUEUES = {
  meta: DISPATCH_QUEUE,
  google: 'dispatch-google',
  tiktok: 'dispatch-tiktok',
  linkedin: 'dispatch-linkedin',
} as const;
export type DispatchPlatform = keyof typeof DISPATCH_QUEUES;
export const DISPATCH_PLATFORMS = Object.keys(DISPATCH_QUEUES) as DispatchPlatform[];

/**
 * Payload of a dispatch job: queued dispatches of one destination (the batch a lifecycle job produced, or one
 * event). `capiEventIds` / `capiEventId` are the shapes of Meta jobs queued before other platforms existed.
 */
export interface DispatchJob {
  dispatchIds?: string[];
  capiEventIds?: string[];
  capiEventId?: string;
  destination: string;
}

export const dispatchIdsOf = (job: DispatchJob): string[] =>
  job.dispatchIds ?? job.capiEventIds ?? (job.capiEventId ? [job.capiEventId] : []);

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
 * Dispatch retries outlast a platform outage of hours (2 s doubling, 14 attempts ≈ 9 h in all), well inside
 * every platform's window; events that age past it are parked as expired before any send.
 */
export const DISPATCH_JOB_OPTIONS = {
  ...DEFAULT_JOB_OPTIONS,
  attempts: 14,
  backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
} as const;

/**
 * Lock and stalled-check settings for the worker's BullMQ workers (both processors). BullMQ's defaults
 * (30 s lock, 30 s check) leave a killed worker's active jobs stuck for up to a minute; these bring them back
 * within lockDuration + stalledInterval (≤ 20 s) of the crash.
 * - lockDuration 15 s: a live worker renews each lock at most lockDuration / 2 after the last renewal
 *   (lockRenewTime left at its default), so a lock is only lost when a renewal comes over 7.5 s late (an
 *   event loop blocked, or Redis unreachable, that long). A lost lock hands a still-running job to another worker: for dispatch, a second
 *   send under the same event_id.
 * - stalledInterval 5 s: the check only returns jobs whose lock has expired, so checking often is safe; it
 *   costs one script per queue and interval (LRANGE of the active list).
 * - maxStalledCount 5 (default 1, i.e. a second crash fails the job): a job over the limit fails as
 *   unrecoverable without using up its attempts, so the dispatch `failed` handler does not mark its row, and
 *   the reconciler skips the row since its job still exists; the row would wait until the failed job is
 *   removed (a week). A stall here means a crashed worker or a lost lock, not a bad job, so each one must end
 *   in a retry; the limit only stops a job that keeps killing workers.
 */
export const WORKER_LOCK_OPTIONS = {
  lockDuration: 15_000,
  stalledInterval: 5_000,
  maxStalledCount: 5,
} as const;
