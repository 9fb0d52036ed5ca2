import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { LifecycleJoinRepository } from '@app/db';
import { UNJOINED_SWEEP_MAX_AGE_MS, UNJOINED_SWEEP_QUEUE, UnjoinedSweepProducer } from '@app/queues';

/**
 * Every UNJOINED_SWEEP_MINUTES, hands every unjoined lifecycle event younger than 7 days back to the relay,
 * so the whole join runs again: a CRM change only the API shows (a contact created later, an association
 * added) is found too. A BullMQ job scheduler (one id, upserted by every worker) adds one job per interval
 * for all replicas together. A worker also sweeps once as it starts, which is how a deploy, and a test, gets
 * a sweep without waiting a whole interval; replicas starting together sweep more than once, harmlessly
 * (re-pending is idempotent, and the join of an event already re-pended is not repeated).
 */
@Processor(UNJOINED_SWEEP_QUEUE, { concurrency: 1 })
export class UnjoinedSweepProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(UnjoinedSweepProcessor.name);

  constructor(
    private readonly config: AppConfig,
    private readonly repo: LifecycleJoinRepository,
    private readonly sweeps: UnjoinedSweepProducer,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.sweeps.schedule(this.config.unjoinedSweepMinutes * 60_000);
    await this.sweep('start');
  }

  async process(): Promise<number> {
    return this.sweep('schedule');
  }

  private async sweep(trigger: string): Promise<number> {
    const repended = await this.repo.rependUnjoined(UNJOINED_SWEEP_MAX_AGE_MS);
    if (repended) this.logger.log(`unjoined sweep (${trigger}): ${repended} events tried again`);
    return repended;
  }
}
