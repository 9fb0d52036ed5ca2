/**
 * The reconciliation sweep of the CRMs' APIs (CRM_RECONCILE_MINUTES). A BullMQ job scheduler adds one job
 * per interval whatever the number of workers, so one replica sweeps each time.
 */
export const CRM_RECONCILE_QUEUE = 'crm-reconcile';
export const CRM_RECONCILE_SCHEDULER_ID = 'crm-reconcile';

/** A sweep job: every configured CRM, or one (`crm`), from its cursor or from `since` (a backfill). */
export interface CrmReconcileJob {
  crm?: string;
  /** ISO-8601. */
  since?: string;
}

/** A sweep repeats: keep a few finished jobs for inspection; a failed one is tried again soon. */
export const CRM_RECONCILE_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 30_000 },
  removeOnComplete: { count: 20 },
  removeOnFail: { count: 50 },
} as const;
