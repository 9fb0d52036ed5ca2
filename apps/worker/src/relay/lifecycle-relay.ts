import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '@app/config';
import { LifecycleRelayRepository, RelayedJob } from '@app/db';
import { DEFAULT_JOB_OPTIONS, LIFECYCLE_BATCH_SIZE, LIFECYCLE_QUEUE, LifecycleJob } from '@app/queues';

const BATCH = 2000;
const IDLE_MS = 200;
const REDIS_DOWN_MS = 1000;

/**
 * Moves stored lifecycle events onto the lifecycle queue. The api never touches Redis on the webhook path;
 * this loop does, and when Redis is down it keeps the events in Postgres and retries until Redis is back.
 * Each job carries up to LIFECYCLE_BATCH_SIZE events.
 */
@Injectable()
export class LifecycleRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(LifecycleRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private failing = false;

  private readonly queue: Queue<LifecycleJob>;

  constructor(
    private readonly relay: LifecycleRelayRepository,
    config: AppConfig,
  ) {
    // Its own producer connection that fails fast while Redis is down (no offline queue), so a stuck add
    // never holds the relay's Postgres transaction open.
    this.queue = new Queue<LifecycleJob>(LIFECYCLE_QUEUE, {
      connection: { url: config.redisUrl, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
      prefix: config.queuePrefix,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
  }

  onApplicationBootstrap(): void {
    // Connection errors surface through run(); without a listener an 'error' event would crash the process.
    this.queue.on('error', () => undefined);
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.queue.close();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let moved = 0;
      try {
        moved = await this.relay.relayBatch(BATCH, LIFECYCLE_BATCH_SIZE, (jobs) => this.enqueue(jobs));
        if (this.failing) this.logger.log('relaying lifecycle events again');
        this.failing = false;
      } catch (error) {
        if (!this.failing) this.logger.warn(`relay paused, will retry: ${(error as Error).message}`);
        this.failing = true;
      }
      if (moved < BATCH) await this.sleep(this.failing ? REDIS_DOWN_MS : IDLE_MS);
    }
  }

  private async enqueue(jobs: RelayedJob[]): Promise<void> {
    await this.queue.addBulk(
      jobs.map(({ jobId, ids }) => ({
        name: 'lifecycle-events',
        data: { lifecycleEventIds: ids },
        opts: { jobId },
      })),
    );
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
