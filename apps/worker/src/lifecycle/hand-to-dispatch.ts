import type { DispatchStore } from './lifecycle-steps';
import type { ToDispatch } from './record-batch';

/**
 * The dispatch job carrying a lifecycle job's queued rows for one platform: the lifecycle job's id + platform +
 * attempt. Meta's keeps its earlier shape (jobs queued before the other platforms existed).
 */
export function dispatchJobId(job: { id?: string; attemptsMade: number }, platform: string): string {
  return platform === 'meta'
    ? `${job.id}-d${job.attemptsMade}`
    : `${job.id}-${platform}-d${job.attemptsMade}`;
}

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
      const jobId = dispatchJobId(job, target.platform);
      // Rows inserted under this job id are carried already; only the others (a re-run) need claiming.
      const carried = new Set(target.claimed ?? []);
      const unclaimed = target.ids.filter((id) => !carried.has(id));
      const claimed = [
        ...target.ids.filter((id) => carried.has(id)),
        ...(unclaimed.length ? await deps.store.claimForJob(unclaimed, jobId) : []),
      ];
      if (claimed.length)
        await deps.enqueue(
          { platform: target.platform, destination: target.destination, ids: claimed },
          jobId,
        );
    }),
  );
}
