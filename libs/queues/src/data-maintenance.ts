/**
 * The daily data-maintenance job: touchpoint partitions created ahead, and retention (expired monthly
 * partitions, old webhook deliveries and destination requests). A BullMQ job scheduler adds one job a day
 * whatever the number of workers.
 */
export const DATA_MAINTENANCE_QUEUE = 'data-maintenance';
export const DATA_MAINTENANCE_SCHEDULER_ID = 'data-maintenance';
export const DATA_MAINTENANCE_EVERY_MS = 24 * 3600 * 1000;

/** Months of touchpoint partitions kept ready: the current one and the next two. */
export const TOUCHPOINT_MONTHS_AHEAD = 3;

export const DATA_MAINTENANCE_JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 60_000 },
  removeOnComplete: { count: 20 },
  removeOnFail: { count: 50 },
} as const;
