/**
 * The periodic retry of unjoined lifecycle events (UNJOINED_SWEEP_MINUTES). A BullMQ job scheduler adds
 * one job per interval whatever the number of workers, so one replica runs each sweep.
 */
export const UNJOINED_SWEEP_QUEUE = 'unjoined-sweep';
export const UNJOINED_SWEEP_SCHEDULER_ID = 'unjoined-sweep';

/** Unjoined events older than this are not retried: Meta refuses events over 7 days old. */
export const UNJOINED_SWEEP_MAX_AGE_MS = 7 * 24 * 3600 * 1000;

/** A sweep is cheap and repeats: keep a few finished jobs for inspection, not thousands. */
export const UNJOINED_SWEEP_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5000 },
  removeOnComplete: { count: 20 },
  removeOnFail: { count: 50 },
} as const;
