import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { DelayedError, Job } from 'bullmq';
import { DispatchRepository } from '@app/db';
import {
  DISPATCH_QUEUES,
  DispatchJob,
  dispatchIdsOf,
  DispatchPlatform,
  WORKER_LOCK_OPTIONS,
} from '@app/queues';
import { DispatchBatcher } from './dispatch-batcher';

/** A paused destination is looked at again after this long (new credentials lift the pause). */
const PAUSE_RECHECK_MS = 60_000;

/**
 * Sends one platform's queued dispatches. A job carries a batch (what one lifecycle job produced) or one
 * event; high concurrency on purpose: the jobs in flight together are what the batcher merges into one
 * request. Transient failures throw, so BullMQ retries with exponential back-off and jitter (events of the
 * job that were sent or parked meanwhile are skipped then); a paused destination or an open circuit delays its
 * jobs without spending their attempts. Each platform has its own queue and processor (below).
 */
@Injectable() // emits the constructor's parameter types, which the platform subclasses inherit
abstract class DestinationDispatchProcessor extends WorkerHost {
  protected abstract readonly platform: DispatchPlatform;

  constructor(
    private readonly batcher: DispatchBatcher,
    private readonly dispatches: DispatchRepository,
  ) {
    super();
  }

  async process(job: Job<DispatchJob>, token?: string): Promise<string> {
    const ids = dispatchIdsOf(job.data);
    const results = await Promise.all(ids.map((id) => this.batcher.submit(this.platform, id)));
    const paused = results.find((result) => result.kind === 'paused');
    if (paused) {
      await job.moveToDelayed(Date.now() + (paused.forMs ?? PAUSE_RECHECK_MS), token);
      throw new DelayedError(`destination paused: ${paused.reason}`);
    }
    const retry = results.filter((result) => result.kind === 'retry');
    if (retry.length) throw new Error(`${retry.length} of ${ids.length} events to retry: ${retry[0].reason}`);
    const counts: Record<string, number> = {};
    for (const result of results) counts[result.kind] = (counts[result.kind] ?? 0) + 1;
    return JSON.stringify(counts);
  }

  /** Out of attempts: its dispatches still queued are marked failed (an admin replay can send them again). */
  @OnWorkerEvent('failed')
  async onFailed(job: Job<DispatchJob> | undefined, error: Error): Promise<void> {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      await this.dispatches.markAttempt(
        dispatchIdsOf(job.data),
        `gave up after ${job.attemptsMade} attempts: ${error.message}`,
        true,
      );
    }
  }
}

@Processor(DISPATCH_QUEUES.meta, { concurrency: 1000, ...WORKER_LOCK_OPTIONS })
export class MetaDispatchProcessor extends DestinationDispatchProcessor {
  protected readonly platform = 'meta';
}

@Processor(DISPATCH_QUEUES.google, { concurrency: 500, ...WORKER_LOCK_OPTIONS })
export class GoogleDispatchProcessor extends DestinationDispatchProcessor {
  protected readonly platform = 'google';
}

@Processor(DISPATCH_QUEUES.tiktok, { concurrency: 500, ...WORKER_LOCK_OPTIONS })
export class TikTokDispatchProcessor extends DestinationDispatchProcessor {
  protected readonly platform = 'tiktok';
}

@Processor(DISPATCH_QUEUES.linkedin, { concurrency: 500, ...WORKER_LOCK_OPTIONS })
export class LinkedInDispatchProcessor extends DestinationDispatchProcessor {
  protected readonly platform = 'linkedin';
}

export const DISPATCH_PROCESSORS = [
  MetaDispatchProcessor,
  GoogleDispatchProcessor,
  TikTokDispatchProcessor,
  LinkedInDispatchProcessor,
];
