import { getQueueToken, InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { AppConfig } from '@app/config';
import { LifecycleRelayRepository } from '@app/db';
import {
  DISPATCH_QUEUES,
  DispatchJob,
  DispatchPlatform,
  DispatchProducer,
  LIFECYCLE_QUEUE,
  LifecycleJob,
} from '@app/queues';

const BATCH = 500;

/**
 * Postgres is the record of work; Redis only carries it. When Redis loses jobs (restarted without
 * persistence, flushed, failed over), rows that were handed to the queue would wait forever. Every half
 * RECONCILE_AFTER_MS (default 1 min) this looks at rows queued longer ago than that and, where their job no
 * longer exists, hands them back:
 * lifecycle events to the relay, dispatches straight to their platform's dispatch queue.
 */
@Injectable()
export class StaleWorkReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(StaleWorkReconciler.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly relay: LifecycleRelayRepository,
    private readonly dispatchProducer: DispatchProducer,
    // Read only: whether a row's job still exists.
    @InjectQueue(LIFECYCLE_QUEUE) private readonly lifecycle: Queue<LifecycleJob>,
    private readonly modules: ModuleRef,
  ) {}

  private dispatchQueue(platform: DispatchPlatform): Queue<DispatchJob> {
    return this.modules.get(getQueueToken(DISPATCH_QUEUES[platform]), { strict: false });
  }

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
    // A lifecycle job that completed while its row is still pending never took that row: the relay's commit
    // was lost after the job was added (a dropped connection), and its next pass gave a larger batch the same
    // job id, which BullMQ ignored. The row needs a new job.
    const lifecycleJobAlive = this.aliveCheck(this.lifecycle, { completedIsLost: true });
    const lost: string[] = [];
    for (const event of await this.relay.staleEnqueued(this.config.reconcileAfterMs, BATCH)) {
      if (!(await lifecycleJobAlive(event.jobId))) lost.push(event.id);
    }
    await this.relay.repend(lost);

    const alive = new Map<string, (jobId: string) => Promise<boolean>>();
    const orphans = new Map<
      string,
      { platform: DispatchPlatform; destination: string; gone: { id: string; jobId: string }[] }
    >();
    for (const row of await this.relay.staleQueuedDispatches(this.config.reconcileAfterMs, BATCH)) {
      const platform = (row.platform in DISPATCH_QUEUES ? row.platform : 'meta') as DispatchPlatform;
      if (!alive.has(platform)) alive.set(platform, this.aliveCheck(this.dispatchQueue(platform)));
      if (await alive.get(platform)!(row.jobId)) continue;
      const key = `${platform}:${row.destination}`;
      const group = orphans.get(key) ?? { platform, destination: row.destination, gone: [] };
      group.gone.push({ id: row.id, jobId: row.jobId });
      orphans.set(key, group);
    }
    let redispatched = 0;
    for (const { platform, destination, gone } of orphans.values()) {
      const jobId = `${gone[0].id}-r${Date.now()}`;
      const claimed = await this.relay.reassignDispatchJob(gone, jobId);
      if (!claimed.length) continue;
      await this.dispatchProducer.enqueue(platform, destination, claimed, { jobId });
      redispatched += claimed.length;
    }
    if (lost.length || redispatched) {
      this.logger.warn(
        `jobs missing from Redis: ${lost.length} lifecycle events re-pended, ${redispatched} dispatches re-queued`,
      );
    }
  }

  /**
   * Whether a job can still finish its rows: it exists and has not failed (nor, for rows that must have been
   * handled by a finished job, completed). A job failed without using up its attempts, e.g. over BullMQ's
   * stalled limit, leaves its rows in flight; they need a new job. A job carries many rows: Redis is asked
   * once per job.
   */
  private aliveCheck(queue: Queue, { completedIsLost = false } = {}): (jobId: string) => Promise<boolean> {
    const known = new Map<string, boolean>();
    return async (jobId) => {
      if (!known.has(jobId)) {
        const job = await queue.getJob(jobId);
        const state = job ? await job.getState() : 'missing';
        known.set(
          jobId,
          state !== 'missing' && state !== 'failed' && !(completedIsLost && state === 'completed'),
        );
      }
      return known.get(jobId)!;
    };
  }
}
