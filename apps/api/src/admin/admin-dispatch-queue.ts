import { Inject, Injectable, Logger, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '@app/config';
import { DISPATCH_JOB_OPTIONS, DISPATCH_QUEUE, DispatchJob } from '@app/queues';

/** The api's producer handle on the `dispatch` queue (replays add jobs to it). */
export const ADMIN_DISPATCH_QUEUE = Symbol('ADMIN_DISPATCH_QUEUE');

const logger = new Logger('AdminDispatchQueue');

export const adminDispatchQueueProvider: Provider = {
  provide: ADMIN_DISPATCH_QUEUE,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => {
    // Fails fast while Redis is down (no offline queue, one retry per command): a replay answers 503 instead
    // of hanging. It keeps reconnecting in the background.
    const queue = new Queue<DispatchJob>(DISPATCH_QUEUE, {
      connection: { url: config.redisUrl, enableOfflineQueue: false, maxRetriesPerRequest: 1 },
      prefix: config.queuePrefix,
      defaultJobOptions: DISPATCH_JOB_OPTIONS,
    });
    let reported = false;
    // Without a listener an 'error' event would crash the process.
    queue.on('error', (error) => {
      if (!reported) logger.warn(`Redis unavailable for replays: ${error.message}`);
      reported = true;
    });
    return queue;
  },
};

@Injectable()
export class AdminDispatchQueueCloser implements OnApplicationShutdown {
  constructor(@Inject(ADMIN_DISPATCH_QUEUE) private readonly queue: Queue<DispatchJob>) {}

  async onApplicationShutdown(): Promise<void> {
    // Bounded: a shutdown never waits on an unreachable Redis.
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      this.queue.close().then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), 3000))),
    ]);
    clearTimeout(timer);
    if (!closed) await this.queue.disconnect().catch(() => undefined);
  }
}
