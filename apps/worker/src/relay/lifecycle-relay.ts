import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { LifecycleRelayRepository } from '@app/db';
import { LIFECYCLE_BATCH_SIZE, LifecycleProducer } from '@app/queues';

const BATCH = 2000;
const REDIS_DOWN_MS = 1000;

/**
 * Moves stored lifecycle events onto the lifecycle queue. The api never touches Redis on the webhook path;
 * this loop does, and when Redis is down it keeps the events in Postgres and retries until Redis is back.
 * Each job carries up to LIFECYCLE_BATCH_SIZE events. Its producer fails fast while Redis is down (no offline
 * queue), so a stuck add never holds the relay's Postgres transaction open.
 *
 * It wakes when a stored webhook commits (Postgres LISTEN/NOTIFY: the poll interval was most of a change's
 * time before its join), and otherwise polls every LIFECYCLE_RELAY_POLL_MS for the other paths that re-pend
 * events (forms, replays, the sweep).
 */
@Injectable()
export class LifecycleRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(LifecycleRelay.name);
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** A NOTIFY arrived while a pass ran: the next pass starts without sleeping. */
  private woken = false;
  private failing = false;
  private unlisten?: () => Promise<void>;

  constructor(
    private readonly relay: LifecycleRelayRepository,
    private readonly lifecycle: LifecycleProducer,
    private readonly config: AppConfig,
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
    await this.unlisten?.();
  }

  /** While Redis is down the relay keeps its slower retry pace, whatever arrives. */
  private readonly onPending = () => {
    this.woken = true;
    if (!this.failing) this.wake?.();
  };

  /** (Re)subscribes to the stored-change notifications; while that fails, the relay polls. */
  private async listen(): Promise<void> {
    if (this.unlisten) return;
    try {
      this.unlisten = await this.relay.listenForPending(this.onPending, (error) => {
        this.unlisten = undefined;
        this.logger.warn(`lost the stored-change notifications, polling until back: ${error.message}`);
      });
    } catch {
      // Postgres down: the pass below fails too and is retried; listening is retried with it.
    }
  }

  private async run(): Promise<void> {
    while (this.running) {
      let moved = 0;
      await this.listen();
      this.woken = false;
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
      if (moved < BATCH && (this.failing || !this.woken)) {
        await this.sleep(this.failing ? REDIS_DOWN_MS : this.config.relayPollMs);
      }
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
