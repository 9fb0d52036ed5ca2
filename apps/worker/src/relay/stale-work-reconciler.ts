import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfig } from '@app/config';
import { LifecycleRelayRepository } from '@app/db';
import { DISPATCH_QUEUE, DispatchJob, LIFECYCLE_QUEUE, LifecycleJob } from '@app/queues';

const BATCH = 500;

/**
 * Postgres is the record of work; Redis only carries it. When Redis loses jobs (restarted without
 * persistence, flushed, failed over), rows that were handed to the queue would wait forever. Every half
 * RECONCILE_AFTER_MS (default 1 min) this looks at rows queued longer ago than that and, where their job no
 * longer exists, hands them back:
 * lifecycle events to the relay, CAPI events straight to the dispatch queue (same job id: never twice).
 */
@Injectable()
export class StaleWorkReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StaleWorkReconciler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly relay: LifecycleRelayRepository,
    @InjectQueue(LIFECYCLE_QUEUE) private readonly lifecycle: Queue<LifecycleJob>,
    @InjectQueue(DISPATCH_QUEUE) private readonly dispatch: Queue<DispatchJob>,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.running ??= this.reconcile()
        .catch((error: Error) => this.logger.warn(`reconcile skipped: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, this.config.reconcileAfterMs / 2);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async reconcile(): Promise<void> {
    const lost: string[] = [];
    const jobExists = new Map<string, boolean>(); // a job carries many events: ask Redis once per job
    for (const event of await this.relay.staleEnqueued(this.config.reconcileAfterMs, BATCH)) {
      if (!jobExists.has(event.jobId))
        jobExists.set(event.jobId, !!(await this.lifecycle.getJob(event.jobId)));
      if (!jobExists.get(event.jobId)) lost.push(event.id);
    }
    await this.relay.repend(lost);

    let redispatched = 0;
    for (const event of await this.relay.staleQueuedCapiEvents(this.config.reconcileAfterMs, BATCH)) {
      if (await this.dispatch.getJob(event.id)) continue;
      await this.dispatch.add(
        'capi-event',
        { capiEventId: event.id, destination: event.destination },
        { jobId: event.id },
      );
      redispatched++;
    }
    if (lost.length || redispatched) {
      this.logger.warn(
        `jobs missing from Redis: ${lost.length} lifecycle events re-pended, ${redispatched} CAPI events re-queued`,
      );
    }
  }
}
