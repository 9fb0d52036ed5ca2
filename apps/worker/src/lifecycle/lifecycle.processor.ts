import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import { AppConfig } from '@app/config';
import {
  DispatchRepository,
  LifecycleBatchRepository,
  LifecycleJoinRepository,
  LifecycleOutcome,
} from '@app/db';
import { MetricsService } from '@app/observability';
import {
  DispatchPlatform,
  DispatchProducer,
  LIFECYCLE_QUEUE,
  LifecycleJob,
  WORKER_LOCK_OPTIONS,
} from '@app/queues';
import { DestinationRegistry } from '../dispatch/destination-registry';
import { buildBatch } from './build-batch';
import { CrmFactsReader } from './crm-facts';
import { fetchBatch } from './fetch-batch';
import { fetchJourneys, gateBatch } from './gate-batch';
import { dispatchJobId, handToDispatch } from './hand-to-dispatch';
import { joinBatch } from './join-batch';
import { leadIdSource } from './journey-context';
import { LifecycleJoiner } from './lifecycle-joiner';
import { recordBatch, type ToDispatch } from './record-batch';

/**
 * Turns stored lifecycle changes into queued dispatches (one per configured destination), or records why not, in steps (fetch batch → CRM facts
 * → join → gate → build → record → hand to dispatch): reads what the CRM's API adds
 * (a HubSpot deal's pipeline, value and currency; a change stored without its pipeline is mapped again here),
 * joins each to its journey, applies the gates (consent, bots, age), builds and validates the event and hands
 * it to the dispatch queue. Every outcome is written on the lifecycle event as status + status_reason (and
 * what the sent event left out, as its note). A job carries a batch of events,
 * handled with a few set-wise statements; only events the first join steps cannot place take the full,
 * per-event join. An event whose full join fails (CRM API down) fails the job after the others are done, so
 * BullMQ retries just it: finished events are skipped on the next run.
 */
@Processor(LIFECYCLE_QUEUE, { concurrency: 8, ...WORKER_LOCK_OPTIONS })
export class LifecycleProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(LifecycleProcessor.name);

  constructor(
    private readonly config: AppConfig,
    private readonly repo: LifecycleJoinRepository,
    private readonly batch: LifecycleBatchRepository,
    private readonly joiner: LifecycleJoiner,
    private readonly crmFacts: CrmFactsReader,
    private readonly dispatches: DispatchRepository,
    private readonly metrics: MetricsService,
    private readonly dispatch: DispatchProducer,
    private readonly destinations: DestinationRegistry,
  ) {
    super();
  }

  /** The longest send window among the configured destinations (the gate's age limit). */
  private get maxAgeMs(): number | undefined {
    const windows = this.destinations.all.map((destination) => destination.sendWindowMs);
    return windows.length ? Math.max(...windows) : undefined;
  }

  /** Events that waited for a destination go again once one is configured. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.destinations.all.length) {
      const resumed = await this.repo.resumeWaiting();
      if (resumed) this.logger.log(`${resumed} lifecycle events waiting for a destination re-queued`);
    }
  }

  async process(job: Job<LifecycleJob>): Promise<void> {
    const stored = await fetchBatch(this.batch, eventIdsOf(job.data));
    if (!stored.length) return;

    const outcomes: LifecycleOutcome[] = [];
    const failures: Error[] = [];
    const { testEventCode, defaultCurrency } = this.config.meta;
    const events = await this.crmFacts.mapEvents(stored, outcomes, failures);
    const joined = await joinBatch(
      events,
      { store: this.batch, joiner: this.joiner, hints: this.repo },
      outcomes,
      failures,
    );
    const journeys = await fetchJourneys(joined, this.batch);
    const now = new Date(); // after the join and fetch: event_time is never later than it
    const gated = gateBatch(
      joined,
      journeys,
      { destinationReady: this.destinations.all.length > 0, now, maxAgeMs: this.maxAgeMs },
      outcomes,
    );
    const built = buildBatch(gated, {
      defaultCurrency,
      leadIdSource: (provider) => leadIdSource(provider, this.config),
      now,
      destinations: this.destinations.all,
    });
    const toDispatch = await recordBatch(
      built,
      { store: this.dispatches, testEventCode, jobIdFor: (platform) => dispatchJobId(job, platform) },
      outcomes,
    );
    await this.batch.setOutcomes(outcomes);
    for (const outcome of outcomes) {
      this.metrics.lifecycle.inc({ status: outcome.status, join_method: outcome.joinMethod ?? 'none' });
    }
    await handToDispatch(toDispatch, job, {
      store: this.dispatches,
      enqueue: (target, jobId) => this.enqueue(target, jobId),
    });
    if (failures.length) {
      throw new Error(`${failures.length} of ${stored.length} events not joined yet: ${failures[0].message}`);
    }
  }

  /** The one place this processor enqueues: a dispatch job for a destination's claimed dispatches. */
  private enqueue(target: ToDispatch, jobId: string) {
    return this.dispatch.enqueue(target.platform as DispatchPlatform, target.destination, target.ids, {
      jobId,
    });
  }

  /** Out of attempts (e.g. the HubSpot API kept failing): recorded, so its events do not sit as pending. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job<LifecycleJob> | undefined, error: Error): Promise<void> {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      const statusReason = `gave up after ${job.attemptsMade} attempts: ${error.message}`.slice(0, 500);
      // Only events still waiting for their join: the others of the batch finished in an earlier attempt.
      const ids = eventIdsOf(job.data);
      const failed = await this.batch.setOutcomes(
        ids.map((id) => ({ id, status: 'failed', statusReason })),
        ['pending'],
      );
      this.metrics.lifecycle.inc({ status: 'failed', join_method: 'none' }, failed);
    }
  }
}

const eventIdsOf = (data: LifecycleJob) =>
  data.lifecycleEventIds ?? (data.lifecycleEventId ? [data.lifecycleEventId] : []);
