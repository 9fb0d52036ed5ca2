import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '@app/config';
import { CRM_RECONCILE_QUEUE, CrmReconcileJob, CrmReconcileProducer } from '@app/queues';
import { CrmReconciler } from './crm-reconciler';

/**
 * Every CRM_RECONCILE_MINUTES, sweeps each configured CRM's API for stage changes whose webhook never
 * arrived. A BullMQ job scheduler (one id, upserted by every worker) adds one job per interval for all
 * replicas together, as the unjoined sweep's does. A worker also sweeps once as it starts (in the
 * background: a CRM that is down never holds the worker's start-up).
 */
@Processor(CRM_RECONCILE_QUEUE, { concurrency: 1 })
export class CrmReconcileProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(CrmReconcileProcessor.name);

  constructor(
    private readonly config: AppConfig,
    private readonly reconciler: CrmReconciler,
    private readonly sweeps: CrmReconcileProducer,
  ) {
    super();
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.reconciler.providers.length) return this.sweeps.unschedule();
    await this.sweeps.schedule(this.config.crmApi.reconcileMinutes * 60_000);
    this.reconciler.sweep().catch((error: Error) => this.logger.warn(`start-up sweep: ${error.message}`));
  }

  async process(job: Job<CrmReconcileJob>): Promise<number> {
    const since = job.data?.since ? new Date(job.data.since) : undefined;
    const outcomes = await this.reconciler.sweep({ crm: job.data?.crm, since });
    return [...outcomes.values()].reduce((sum, outcome) => sum + outcome.stored, 0);
  }
}
