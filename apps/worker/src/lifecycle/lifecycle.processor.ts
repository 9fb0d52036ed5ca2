import { InjectQueue, OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { buildCapiEvent, capiEventId } from '@app/capi';
import { AppConfig } from '@app/config';
import { CapiEventRepository, LifecycleJoinRepository } from '@app/db';
import { dispatchGate, isUsPrivacyOptOut } from '@app/journey';
import { MetricsService } from '@app/observability';
import { DISPATCH_QUEUE, DispatchJob, LIFECYCLE_QUEUE, LifecycleJob, WORKER_LOCK_OPTIONS } from '@app/queues';
import { journeyContext, leadEventSource } from './journey-context';
import { LifecycleJoiner } from './lifecycle-joiner';

/**
 * Turns a stored lifecycle change into a queued CAPI event, or records why not: joins it to its journey,
 * applies the gates (consent, bots, age), builds the event and hands it to the dispatch queue. Every
 * outcome is written on the lifecycle event as status + status_reason.
 */
@Processor(LIFECYCLE_QUEUE, { concurrency: 20, ...WORKER_LOCK_OPTIONS })
export class LifecycleProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(LifecycleProcessor.name);

  constructor(
    private readonly config: AppConfig,
    private readonly repo: LifecycleJoinRepository,
    private readonly joiner: LifecycleJoiner,
    private readonly capiEvents: CapiEventRepository,
    private readonly metrics: MetricsService,
    @InjectQueue(DISPATCH_QUEUE) private readonly dispatch: Queue<DispatchJob>,
  ) {
    super();
  }

  /** Events that waited for a destination go again once one is configured. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.config.meta.enabled) {
      const resumed = await this.repo.resumeWaiting();
      if (resumed) this.logger.log(`${resumed} lifecycle events waiting for a destination re-queued`);
    }
  }

  private async finish(
    id: string,
    fields: Parameters<LifecycleJoinRepository['setStatus']>[1],
  ): Promise<void> {
    await this.repo.setStatus(id, fields);
    this.metrics.capi.lifecycle.inc({ status: fields.status, join_method: fields.joinMethod ?? 'none' });
  }

  async process(job: Job<LifecycleJob>): Promise<void> {
    const event = await this.repo.event(job.data.lifecycleEventId);
    // 'queued' too: a retried job whose first run stopped between queuing and dispatching finishes the hand-off
    // (both steps are idempotent: unique keys in Postgres, job id = CAPI event id in Redis).
    if (!event || !['pending', 'queued'].includes(event.status) || !event.event_name) return;

    const join = await this.joiner.join(event);
    if (join.kind !== 'joined') {
      if (join.kind === 'unjoined' && join.learned) await this.repo.mergeHints(event.id, join.learned);
      return this.finish(event.id, { status: join.kind, statusReason: join.reason });
    }
    const joined = { visitorId: join.visitorId, joinMethod: join.method };
    const row = await this.repo.journey(join.visitorId);
    if (!row) return this.finish(event.id, { status: 'unjoined', statusReason: 'the visitor disappeared' });

    const now = new Date();
    const gate = dispatchGate({
      occurredAt: event.occurred_at,
      now,
      consent: row.consent ?? undefined,
      usPrivacyOptOut: isUsPrivacyOptOut(row.consent ?? undefined),
      touchpoints: row.bots.map((isBot) => ({ isBot })),
    });
    if (gate.status !== 'ok') {
      return this.finish(event.id, { status: gate.status, statusReason: gate.reason, ...joined });
    }
    const { pixelId, accessToken, testEventCode } = this.config.meta;
    if (!pixelId || !accessToken) {
      return this.finish(event.id, {
        status: 'waiting_destination',
        statusReason: 'no destination: set META_PIXEL_ID and META_ACCESS_TOKEN',
        ...joined,
      });
    }

    const objectKey = `${event.provider}:${event.object_type}:${event.object_id}`;
    const eventId = capiEventId(objectKey, event.event_name);
    const payload = buildCapiEvent(
      {
        leadEventSource: leadEventSource(event.provider),
        objectKey,
        eventName: event.event_name,
        occurredAt: event.occurred_at,
        value: event.value === null ? undefined : Number(event.value),
        currency: event.currency ?? this.config.meta.defaultCurrency,
        journey: journeyContext(row, await this.repo.touches(join.visitorId)),
      },
      { now, ldu: gate.ldu },
    );
    const queued = await this.capiEvents.queue({
      lifecycleEventId: event.id,
      destination: pixelId,
      eventId,
      eventName: event.event_name,
      payload,
      testEventCode,
    });
    if (queued.lifecycleEventId !== event.id) {
      return this.finish(event.id, {
        status: 'duplicate',
        statusReason: `this CRM object already produced ${event.event_name} (event_id ${eventId})`,
        eventId,
        ...joined,
      });
    }
    await this.finish(event.id, {
      status: queued.status === 'sent' ? 'sent' : 'queued',
      eventId,
      ...joined,
    });
    if (queued.status === 'queued') {
      await this.dispatch.add(
        'capi-event',
        { capiEventId: queued.id, destination: pixelId },
        { jobId: queued.id },
      );
    }
  }

  /** Out of attempts (e.g. the HubSpot API kept failing): recorded, so the event does not sit as pending. */
  @OnWorkerEvent('failed')
  async onFailed(job: Job<LifecycleJob> | undefined, error: Error): Promise<void> {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) {
      await this.finish(job.data.lifecycleEventId, {
        status: 'failed',
        statusReason: `gave up after ${job.attemptsMade} attempts: ${error.message}`.slice(0, 500),
      });
    }
  }
}
