import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job } from 'bullmq';
import {
  buildCapiEvent,
  capiEventId,
  eventValue,
  invalidReason,
  isMetaLeadId,
  leadIdNote,
  validateCapiEvent,
} from '@app/capi';
import { AppConfig } from '@app/config';
import {
  CapiEventRepository,
  JourneyWithTouches,
  LifecycleBatchRepository,
  LifecycleEventRow,
  LifecycleJoinRepository,
  LifecycleOutcome,
} from '@app/db';
import { dispatchGate, isUsPrivacyOptOut } from '@app/journey';
import { MetricsService } from '@app/observability';
import { DispatchProducer, LIFECYCLE_QUEUE, LifecycleJob, WORKER_LOCK_OPTIONS } from '@app/queues';
import { CrmFactsReader } from './crm-facts';
import { forEachLimited } from './for-each-limited';
import type { JoinResult } from './join-result';
import { journeyContext, leadEventSource, leadIdSource } from './journey-context';
import { LifecycleJoiner } from './lifecycle-joiner';
import { quickJoinVerdict } from './quick-join';

/** Events of one job that need the full join (CRM API calls) at once. */
const FULL_JOIN_CONCURRENCY = 8;

type Joined = { event: LifecycleEventRow; visitorId: string; joinMethod: string };

/**
 * Turns stored lifecycle changes into queued CAPI events, or records why not: reads what the CRM's API adds
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
    private readonly capiEvents: CapiEventRepository,
    private readonly metrics: MetricsService,
    private readonly dispatch: DispatchProducer,
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

  async process(job: Job<LifecycleJob>): Promise<void> {
    const ids = eventIdsOf(job.data);
    // 'queued' too: a retried job whose first run stopped between queuing and dispatching finishes the hand-off
    // (both steps are idempotent: unique keys in Postgres, and the dispatch job id recorded on the CAPI events).
    // A pending event without an event name waits for its pipeline (see WebhookIntakeService.toEvent).
    const stored = (await this.batch.events(ids)).filter(
      (event) => event.status === 'pending' || (event.status === 'queued' && event.event_name),
    );
    if (!stored.length) return;

    const outcomes: LifecycleOutcome[] = [];
    const joined: Joined[] = [];
    const failures: Error[] = [];
    const events = await this.crmFacts.mapEvents(stored, outcomes, failures);
    const verdicts = await this.join(events, failures);
    for (const [event, join] of verdicts) {
      if (join.kind === 'joined') joined.push({ event, visitorId: join.visitorId, joinMethod: join.method });
      else outcomes.push({ id: event.id, status: join.kind, statusReason: join.reason });
    }
    const queued = await this.build(joined, outcomes);
    await this.batch.setOutcomes(outcomes);
    for (const outcome of outcomes) {
      this.metrics.capi.lifecycle.inc({ status: outcome.status, join_method: outcome.joinMethod ?? 'none' });
    }
    await this.handOff(job, queued);
    if (failures.length) {
      throw new Error(`${failures.length} of ${stored.length} events not joined yet: ${failures[0].message}`);
    }
  }

  /**
   * One dispatch job for the batch's queued CAPI events. Its id is this job's id + attempt, so a re-run of
   * the same attempt (a worker crash) adds the same job again, which BullMQ ignores; events another job
   * already carries are left to it.
   */
  private async handOff(job: Job<LifecycleJob>, capiEventIds: string[]): Promise<void> {
    if (!capiEventIds.length) return;
    const jobId = `${job.id}-d${job.attemptsMade}`;
    const claimed = await this.capiEvents.claimForJob(capiEventIds, jobId);
    if (claimed.length) {
      await this.dispatch.enqueue(this.config.meta.pixelId!, claimed, { jobId });
    }
  }

  /** Each event's join: set-wise first steps for all, the full join for the rest (CRM API, email, phone). */
  private async join(
    events: LifecycleEventRow[],
    failures: Error[],
  ): Promise<Map<LifecycleEventRow, JoinResult>> {
    const quick = new Map(
      (await this.batch.quickJoin(events.map((event) => event.id))).map((row) => [row.id, row]),
    );
    const verdicts = new Map<LifecycleEventRow, JoinResult>();
    const links = [];
    const rest: LifecycleEventRow[] = [];
    for (const event of events) {
      const verdict = quickJoinVerdict(quick.get(event.id));
      if (!verdict) rest.push(event);
      else verdicts.set(event, verdict);
      if (verdict?.kind === 'joined') {
        for (const record of event.hints.crm_records ?? []) {
          links.push({
            visitorId: verdict.visitorId,
            provider: event.provider,
            objectType: record.object_type,
            crmId: record.id,
          });
        }
      }
    }
    await this.batch.linkCrmRecords(links);
    await forEachLimited(rest, FULL_JOIN_CONCURRENCY, async (event) => {
      try {
        const join = await this.joiner.join(event); // links what it finds itself
        if (join.kind === 'unjoined' && join.learned) await this.repo.mergeHints(event.id, join.learned);
        verdicts.set(event, join);
      } catch (error) {
        failures.push(error as Error); // left pending: the job's retry tries it again
      }
    });
    return verdicts;
  }

  /** Gates and builds the joined events, queues the CAPI events; returns the ids of those to dispatch. */
  private async build(joined: Joined[], outcomes: LifecycleOutcome[]): Promise<string[]> {
    if (!joined.length) return [];
    const journeys = new Map(
      (await this.batch.journeys(joined.map((entry) => entry.visitorId))).map((row) => [row.visitor_id, row]),
    );
    const { pixelId, accessToken, testEventCode, defaultCurrency } = this.config.meta;
    const now = new Date();
    const toQueue: {
      joined: Joined;
      eventId: string;
      payload: object;
      contributors: string[];
      knownKeys: string[];
      note: string | null;
    }[] = [];
    for (const entry of joined) {
      const { event } = entry;
      const base = { id: event.id, visitorId: entry.visitorId, joinMethod: entry.joinMethod };
      const row = journeys.get(entry.visitorId);
      if (!row) {
        outcomes.push({ id: event.id, status: 'unjoined', statusReason: 'the visitor disappeared' });
        continue;
      }
      const gate = dispatchGate({
        occurredAt: event.occurred_at,
        now,
        consent: row.consent ?? undefined,
        usPrivacyOptOut: isUsPrivacyOptOut(row.consent ?? undefined),
        touchpoints: row.bots.map((isBot) => ({ isBot })),
      });
      if (gate.status !== 'ok') {
        outcomes.push({ ...base, status: gate.status, statusReason: gate.reason });
        continue;
      }
      if (!pixelId || !accessToken) {
        outcomes.push({
          ...base,
          status: 'waiting_destination',
          statusReason: 'no destination: set META_PIXEL_ID and META_ACCESS_TOKEN',
        });
        continue;
      }
      const objectKey = `${event.provider}:${event.object_type}:${event.object_id}`;
      const eventName = event.event_name!;
      const money = eventValue(
        event.value === null ? undefined : Number(event.value),
        event.currency ?? undefined,
        defaultCurrency,
      );
      const linked = contributingRows(row, journeys, event.occurred_at, now);
      const context = journeyContext(row, touchesOf(row), linked, event.occurred_at);
      const journey = context.journey;
      // The CRM record's own lead id first; the journey's form lead id when it has none (or not Meta's).
      const crmLeadId = event.lead_id ?? undefined;
      if (crmLeadId && isMetaLeadId(crmLeadId)) journey.leadId = crmLeadId;
      const note = [money.note, leadIdNote(crmLeadId, leadIdSource(event.provider, this.config))]
        .filter(Boolean)
        .join('; ');
      const payload = buildCapiEvent(
        {
          leadEventSource: leadEventSource(event.provider),
          objectKey,
          eventName,
          occurredAt: event.occurred_at,
          value: money.value,
          currency: money.currency,
          journey,
        },
        { now, ldu: gate.ldu },
      );
      const invalid = validateCapiEvent(payload, now);
      if (invalid) {
        outcomes.push({
          ...base,
          status: 'invalid',
          statusReason: invalidReason(invalid),
          note: note || null,
        });
        continue;
      }
      toQueue.push({
        joined: entry,
        eventId: capiEventId(objectKey, eventName),
        payload,
        contributors: context.contributors,
        knownKeys: context.knownKeys,
        note: note || null,
      });
    }
    if (!toQueue.length) return [];

    const owners = await this.capiEvents.queueMany(
      pixelId!,
      toQueue.map(({ joined: { event }, eventId, payload, contributors, knownKeys }) => ({
        lifecycleEventId: event.id,
        eventId,
        eventName: event.event_name!,
        payload,
        contributorVisitorIds: contributors,
        knownKeys,
      })),
      testEventCode,
    );
    const toDispatch: string[] = [];
    toQueue.forEach(({ joined: { event, visitorId, joinMethod }, eventId, note }, i) => {
      const owner = owners[i];
      const base = { id: event.id, visitorId, joinMethod, eventId, note };
      if (owner.lifecycleEventId !== event.id) {
        outcomes.push({
          ...base,
          status: 'duplicate',
          statusReason: `this CRM object already produced ${event.event_name} (event_id ${eventId})`,
        });
        return;
      }
      outcomes.push({ ...base, status: owner.status === 'sent' ? 'sent' : 'queued' });
      if (owner.status === 'queued') toDispatch.push(owner.id);
    });
    return toDispatch;
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
      this.metrics.capi.lifecycle.inc({ status: 'failed', join_method: 'none' }, failed);
    }
  }
}

const eventIdsOf = (data: LifecycleJob) =>
  data.lifecycleEventIds ?? (data.lifecycleEventId ? [data.lifecycleEventId] : []);

/**
 * The linked visitors' rows that may contribute to the event: only those whose own consent and touchpoints
 * would let an event of theirs be sent (a linked device that denied advertising data gives none).
 */
function contributingRows(
  row: JourneyWithTouches,
  journeys: Map<string, JourneyWithTouches>,
  occurredAt: Date,
  now: Date,
): JourneyWithTouches[] {
  return row.linked_visitor_ids
    .map((id) => journeys.get(id))
    .filter((linked): linked is JourneyWithTouches => {
      if (!linked) return false;
      const gate = dispatchGate({
        occurredAt,
        now,
        consent: linked.consent ?? undefined,
        touchpoints: linked.bots.map((isBot) => ({ isBot })),
      });
      return gate.status === 'ok';
    });
}

/** First/last campaign touch, falling back to the first touch of a direct journey. */
function touchesOf(row: JourneyWithTouches) {
  const asTouch = (touch: Record<string, unknown> | null) =>
    touch ? { ...touch, occurred_at: new Date(touch.occurred_at as string) } : undefined;
  return {
    first: asTouch(row.first_touch ?? row.direct_touch),
    last: asTouch(row.last_touch ?? row.direct_touch),
  };
}
