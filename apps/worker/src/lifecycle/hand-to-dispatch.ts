import type { DispatchStore } from './lifecycle-steps';
import type { ToDispatch } from './record-batch';

/**
 * Hands the batch's queued dispatches to one dispatch job per destination, on that platform's queue. Its id is
 * the lifecycle job's id + platform + attempt, so a re-run of the same attempt (a worker crash) adds the same job
 * again, which BullMQ ignores; dispatches another job already carries are left to it.
 */
export async function handToDispatch(
  toDispatch: ToDispatch[],
  job: { id?: string; attemptsMade: number },
  deps: {
    store: Pick<DispatchStore, 'claimForJob'>;
    enqueue: (target: ToDispatch, jobId: string) => Promise<unknown>;
  },
): Promise<void> {
  await Promise.all(
    toDispatch.map(async (target) => {
      if (!target.ids.length) return;
      // Meta's job id keeps its earlier shape (jobs queued before the other platforms existed).
      const jobId =
        target.platform === 'meta'
          ? `${job.id}-d${job.attemptsMade}`
          : `${job.id}-${target.platform}-d${job.attemptsMade}`;
      const claimed = await deps.store.claimForJob(target.ids, jobId);
      if (claimed.length) await deps.enqueue({ ...target, ids: claimed }, jobId);
    }),
  );
}
