import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { DelayedError, Job } from 'bullmq';
import { CapiEventRepository } from '@app/db';
import { DISPATCH_QUEUE, DispatchJob, WORKER_LOCK_OPTIONS } from '@app/queues';
import { CapiBatcher } from './capi-batcher';

/** A paused destination is looked at again after this long (a new access token lifts the pause). */
const PAUSE_RECHECK_MS = 60_000;

/**
 * Sends queued CAPI events. High concurrency on purpose: the jobs in flight together are what the batcher
 * merges into one Graph request. Transient failures throw, so BullMQ retries with exponential back-off and
 * jitter; a paused destination delays its jobs without spending their attempts.
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
    const { destination, capiEventId } = job.data;
    const result = await this.batcher.submit(destination, capiEventId);
    if (result.kind === 'paused') {
      await job.moveToDelayed(Date.now() + PAUSE_RECHECK_MS, token);
      throw new DelayedError(`destination paused: ${result.reason}`);
    }
    if (result.kind === 'retry') throw new Error(result.reason);
    return result.kind;
  }

  /** Out of attempts: the event is marked failed (an admin replay can send it again). */
  @OnWorkerEvent('failed')
  async onFailed(job: Job<DispatchJob> | undefined, error: Error): Promise<void> {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      await this.events.markAttempt(
        [job.data.capiEventId],
        `gave up after ${job.attemptsMade} attempts: ${error.message}`,
        true,
      );
    }
  }
}
