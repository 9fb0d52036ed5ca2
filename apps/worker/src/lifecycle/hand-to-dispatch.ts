import type { CapiEventStore } from './lifecycle-steps';

/**
 * Hands the batch's queued CAPI events to one dispatch job. Its id is the lifecycle job's id + attempt, so a
 * re-run of the same attempt (a worker crash) adds the same job again, which BullMQ ignores; events another
 * job already carries are left to it.
 */
export async function handToDispatch(
  capiEventIds: string[],
  job: { id?: string; attemptsMade: number },
  deps: {
    store: Pick<CapiEventStore, 'claimForJob'>;
    enqueue: (capiEventIds: string[], jobId: string) => Promise<unknown>;
  },
): Promise<void> {
  if (!capiEventIds.length) return;
  const jobId = `${job.id}-d${job.attemptsMade}`;
  const claimed = await deps.store.claimForJob(capiEventIds, jobId);
  if (claimed.length) await deps.enqueue(claimed, jobId);
}
