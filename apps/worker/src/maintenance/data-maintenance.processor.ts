import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { RetentionRepository, TouchpointPartitionRepository, utcMonthStart } from '@app/db';
import {
  DATA_MAINTENANCE_EVERY_MS,
  DATA_MAINTENANCE_QUEUE,
  DataMaintenanceProducer,
  TOUCHPOINT_MONTHS_AHEAD,
} from '@app/queues';

const DAY_MS = 24 * 3600 * 1000;
/** Rows per DELETE: each statement stays short, so locks and WAL bursts stay small. */
const DELETE_BATCH = 1000;

/** Repeats a bounded delete until a batch comes back short; returns the total. */
async function inBatches(deleteBatch: (limit: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await deleteBatch(DELETE_BATCH);
    total += deleted;
    if (deleted < DELETE_BATCH) return total;
  }
}

/**
 * Once a day (a BullMQ job scheduler: one job for all replicas) and once as each worker starts:
 * - creates the touchpoint partitions of the current month and the next two, so ingest never falls into
 *   the DEFAULT partition (replicas are serialised by an advisory lock; a month that exists is skipped);
 * - drops monthly touchpoint partitions wholly older than TOUCHPOINT_RETENTION_DAYS (and the DEFAULT
 *   partition's rows of such months);
 * - deletes, in bounded batches, webhook deliveries older than WEBHOOK_DELIVERY_RETENTION_DAYS whose
 *   lifecycle events are all final, and destination requests older than DESTINATION_REQUEST_RETENTION_DAYS.
 */
@Processor(DATA_MAINTENANCE_QUEUE, { concurrency: 1 })
export class DataMaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(DataMaintenanceProcessor.name);

  constructor(
    private readonly config: AppConfig,
    private readonly partitions: TouchpointPartitionRepository,
    private readonly retention: RetentionRepository,
    private readonly maintenance: DataMaintenanceProducer,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.maintenance.schedule(DATA_MAINTENANCE_EVERY_MS);
    // A failure here must not stop the worker: the scheduled job retries it.
    await this.run('start').catch((error: Error) =>
      this.logger.error(`data maintenance (start) failed: ${error.message}`),
    );
  }

  async process(): Promise<void> {
    await this.run('schedule');
  }

  private async run(trigger: string): Promise<void> {
    const now = Date.now();
    const days = this.config.retention;
    const created = await this.partitions.ensureMonths(new Date(now), TOUCHPOINT_MONTHS_AHEAD);
    const touchpointCutoff = new Date(now - days.touchpointDays * DAY_MS);
    const dropped = await this.partitions.dropMonthsBefore(touchpointCutoff);
    const strays = await inBatches((limit) =>
      this.partitions.deleteDefaultRowsBefore(utcMonthStart(touchpointCutoff), limit),
    );
    const deliveries = await inBatches((limit) =>
      this.retention.deleteWebhookDeliveriesBefore(new Date(now - days.webhookDeliveryDays * DAY_MS), limit),
    );
    const requests = await inBatches((limit) =>
      this.retention.deleteDestinationRequestsBefore(
        new Date(now - days.destinationRequestDays * DAY_MS),
        limit,
      ),
    );
    if (created.length || dropped.length || strays || deliveries || requests) {
      this.logger.log(
        `data maintenance (${trigger}): partitions created [${created.join(', ')}], dropped [${dropped.join(', ')}]; ` +
          `deleted ${strays} expired touchpoints from the DEFAULT partition, ${deliveries} webhook deliveries, ` +
          `${requests} destination requests`,
      );
    }
  }
}
