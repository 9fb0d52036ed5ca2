import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { LifecycleRelayRepository } from '@app/db';
import { LIFECYCLE_BATCH_SIZE, LifecycleProducer } from '@app/queues';

const BATCH = 2000;
const IDLE_MS = 200;
const REDIS_DOWN_MS = 1000;

/**
 * Moves stored lifecycle events onto the lifecycle queue. The api never touches Redis on the webhook path;
 * this loop does, and when Redis is down it keeps the events in Postgres and retries until Redis is back.
 * Each job carries up to LIFECYCLE_BATCH_SIZE events. Its producer fails fast while Redis is down (no offline
 * queue), so a stuck add never holds the relay's Postgres transaction open.
 */
@Injectable()
export class LifecycleRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LifecycleRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private failing = false;

  constructor(
    private readonly relay: LifecycleRelayRepository,
    private readonly lifecycle: LifecycleProducer,
  ) {}

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stopped before any shutdown hook closes the producer's queue or the Postgres pool under the loop. */
  async beforeApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      let moved = 0;
      try {
        moved = await this.relay.relayBatch(BATCH, LIFECYCLE_BATCH_SIZE, (jobs) =>
          this.lifecycle.enqueue(jobs),
        );
        if (this.failing) this.logger.log('relaying lifecycle events again');
        this.failing = false;
      } catch (error) {
        if (!this.failing) this.logger.warn(`relay paused, will retry: ${(error as Error).message}`);
        this.failing = true;
      }
      if (moved < BATCH) await this.sleep(this.failing ? REDIS_DOWN_MS : IDLE_MS);
    }
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
