import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, Job } from 'bullmq';
import { CapiEventRepository } from '@app/db';
import { capiEventIdsOf, DISPATCH_QUEUE, DispatchJob, WORKER_LOCK_OPTIONS } from '@app/queues';
import { CapiBatcher } from './capi-batcher';

/** A paused destination is looked at again after this long (a new access token lifts the pause). */
const PAUSE_RECHECK_MS = 60_000;

/**
 * Sends queued CAPI events. A job carries a batch (what one lifecycle job produced) or one event; high
 * concurrency on purpose: the jobs in flight together are what the batcher merges into one Graph request.
 * Transient failures throw, so BullMQ retries with exponential back-off and jitter (events of the job that
 * were sent or parked meanwhile are skipped then); a paused destination delays its jobs without spending
 * their attempts.
 */
@Processor(DISPATCH_QUEUE, { concurrency: 1000, ...WORKER_LOCK_OPTIONS })
export class DispatchProcessor extends WorkerHost {
  constructor(
    private readonly batcher: CapiBatcher,
    private readonly events: CapiEventRepository,
  ) {
    super();
  }

  async process(job: Job<DispatchJob>, token?: string): Promise<string> {
    const { destination } = job.data;
    const ids = capiEventIdsOf(job.data);
    const results = await Promise.all(ids.map((id) => this.batcher.submit(destination, id)));
    const paused = results.find((result) => result.kind === 'paused');
    if (paused) {
      await job.moveToDelayed(Date.now() + PAUSE_RECHECK_MS, token);
      throw new DelayedError(`destination paused: ${paused.reason}`);
    }
    const retry = results.filter((result) => result.kind === 'retry');
    if (retry.length) throw new Error(`${retry.length} of ${ids.length} events to retry: ${retry[0].reason}`);
    const counts: Record<string, number> = {};
    for (const result of results) counts[result.kind] = (counts[result.kind] ?? 0) + 1;
    return JSON.stringify(counts);
  }

  /** Out of attempts: its events still queued are marked failed (an admin replay can send them again). */
  @OnWorkerEvent('failed')
  async onFailed(job: Job<DispatchJob> | undefined, error: Error): Promise<void> {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      await this.events.markAttempt(
        capiEventIdsOf(job.data),
        `gave up after ${job.attemptsMade} attempts: ${error.message}`,
        true,
      );
    }
  }
}
