import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { TouchpointPartitionRepository } from '@app/db';
import {
  DATA_MAINTENANCE_EVERY_MS,
  DATA_MAINTENANCE_QUEUE,
  DataMaintenanceProducer,
  TOUCHPOINT_MONTHS_AHEAD,
} from '@app/queues';

/**
 * Once a day (a BullMQ job scheduler: one job for all replicas) and once as each worker starts: creates the
 * touchpoint partitions of the current month and the next two, so ingest never falls into the DEFAULT
 * partition. Replicas starting together are serialised by an advisory lock; a month that exists is skipped.
 */
@Processor(DATA_MAINTENANCE_QUEUE, { concurrency: 1 })
export class DataMaintenanceProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(DataMaintenanceProcessor.name);

  constructor(
    private readonly partitions: TouchpointPartitionRepository,
    private readonly maintenance: DataMaintenanceProducer,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.maintenance.schedule(DATA_MAINTENANCE_EVERY_MS);
    await this.run('start');
  }

  async process(): Promise<void> {
    await this.run('schedule');
  }

  private async run(trigger: string): Promise<void> {
    const created = await this.partitions.ensureMonths(new Date(), TOUCHPOINT_MONTHS_AHEAD);
    if (created.length) this.logger.log(`data maintenance (${trigger}): created ${created.join(', ')}`);
  }
}
