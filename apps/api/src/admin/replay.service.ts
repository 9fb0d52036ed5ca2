import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { AdminRepository, ReplayCandidate } from '@app/db';
import { AppConfig } from '@app/config';
import { type Platform, SEND_WINDOW_MS } from '@app/destinations';
import { DispatchPlatform, DispatchProducer } from '@app/queues';
import { badRequest } from '../common/validation';
import { MAX_REPLAY_IDS, ReplayBody } from './admin.dto';
import { timeRange } from './pagination';

/** A filter may select at most this many lifecycle events per call (narrow it with since/until). */
export const MAX_REPLAY_SELECTION = 10_000;
const REDIS_TIMEOUT_MS = 3000;

export interface ReplayOutcome {
  enqueued: number;
  refused: { lifecycle_event_id: string; reason: string }[];
}

type Plan =
  | { kind: 'resend'; event: ReplayCandidate }
  | { kind: 'rejoin'; event: ReplayCandidate }
  | { kind: 'refuse'; id: string; reason: string };

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const redisDown = (error: unknown) =>
  new ServiceUnavailableException(
    `Redis is unreachable, nothing was replayed: ${error instanceof Error ? error.message : String(error)}`,
  );

/**
 * Replays lifecycle events to Meta. A built CAPI event goes back to `queued` with the same event_id and
 * payload (Meta deduplicates) and gets a new dispatch job; an event never built is re-pended for the join.
 * Events Meta would refuse (older than 7 days − 1 hour) and ones with nothing to send are refused, with why.
 */
@Injectable()
export class ReplayService {
  private readonly logger = new Logger(ReplayService.name);

  /** The longest send window of the configured destinations (Meta's when none is: nothing is sent then). */
  private readonly maxAgeMs: number;
  private readonly maxAgeText: string;

  constructor(
    private readonly admin: AdminRepository,
    private readonly dispatch: DispatchProducer,
    config: AppConfig,
  ) {
    const enabled: Platform[] = [
      ...(config.meta.enabled ? (['meta'] as const) : []),
      ...(['google', 'tiktok', 'linkedin'] as const).filter(
        (platform) => config.destinations[platform].enabled,
      ),
    ];
    this.maxAgeMs = Math.max(
      ...(enabled.length ? enabled : (['meta'] as const)).map((p) => SEND_WINDOW_MS[p]),
    );
    this.maxAgeText =
      this.maxAgeMs === SEND_WINDOW_MS.meta
        ? 'more than 7 days − 1 hour ago, and Meta refuses events older than 7 days'
        : `more than ${Math.round(this.maxAgeMs / 86_400_000)} days ago, past every configured destination's window`;
  }

  /** `platform` (the console's test event) limits the re-send to that platform's dispatches. */
  async replay(body: ReplayBody, platform?: DispatchPlatform): Promise<ReplayOutcome> {
    const ids = body.lifecycle_event_ids
      ? [...new Set(body.lifecycle_event_ids.map((id) => id.toLowerCase()))]
      : undefined;
    if (!ids && !body.event_name && !body.status && !body.since && !body.until) {
      throw badRequest([
        {
          field: 'body',
          message: 'body: name the events to replay: lifecycle_event_ids, event_name, status, since or until',
        },
      ]);
    }
    const max = ids ? MAX_REPLAY_IDS : MAX_REPLAY_SELECTION;
    const selected = await this.admin.replayCandidates(
      { ids, status: body.status, eventName: body.event_name, ...timeRange(body.since, body.until) },
      max,
    );
    const candidates = platform
      ? selected.map((event) => ({ ...event, capi: event.capi.filter((row) => row.platform === platform) }))
      : selected;
    if (candidates.length > max) {
      throw badRequest([
        {
          field: 'body',
          message: `body: selects more than ${max} lifecycle events; narrow it with since and until`,
        },
      ]);
    }

    const now = new Date();
    const plans: Plan[] = candidates.map((event) => this.plan(event, now, body.test_event_code));
    const found = new Set(candidates.map((event) => event.id));
    for (const id of ids ?? []) {
      if (!found.has(id))
        plans.push({ kind: 'refuse', id, reason: 'not found (or outside the filter given with it)' });
    }

    const note = `replayed at ${now.toISOString()}${body.test_event_code ? ` (test_event_code ${body.test_event_code})` : ''}`;
    const resend = plans.flatMap((plan) => (plan.kind === 'resend' ? [plan.event] : []));
    const rejoin = plans.flatMap((plan) => (plan.kind === 'rejoin' ? [plan.event.id] : []));
    if (resend.length) await this.resend(resend, body.test_event_code, note, now.getTime());
    const rejoined = await this.admin.repend(rejoin, note);
    const outcome = {
      enqueued: resend.length + rejoined,
      refused: plans.flatMap((plan) =>
        plan.kind === 'refuse' ? [{ lifecycle_event_id: plan.id, reason: plan.reason }] : [],
      ),
    };
    this.logger.log(
      `replay: ${resend.length} re-sent, ${rejoined} re-pended, ${outcome.refused.length} refused` +
        (body.test_event_code ? ` (test_event_code ${body.test_event_code})` : ''),
    );
    return outcome;
  }

  private plan(event: ReplayCandidate, now: Date, testEventCode?: string): Plan {
    const refuse = (reason: string): Plan => ({ kind: 'refuse', id: event.id, reason });
    if (!event.event_name)
      return refuse('unmapped: no stage rule maps this change, there is nothing to send');
    if (now.getTime() - new Date(event.occurred_at).getTime() > this.maxAgeMs) {
      return refuse(
        `too old: occurred_at ${new Date(event.occurred_at).toISOString()} is ${this.maxAgeText}`,
      );
    }
    if (event.status === 'erased') return refuse('erased: its journey was erased, it is never sent');
    if (event.status === 'duplicate') {
      return refuse(
        `duplicate: event_id ${event.event_id ?? '?'} belongs to another lifecycle event of the same CRM object; replay that one`,
      );
    }
    if (event.capi.length) return { kind: 'resend', event };
    if (testEventCode) {
      return refuse(
        `never built into a CAPI event (status ${event.status}): a replay with test_event_code only re-sends built events; replay it without test_event_code to run the join again`,
      );
    }
    return { kind: 'rejoin', event };
  }

  /** Postgres first (committed, so the worker finds the rows queued), then the jobs; undone if Redis fails. */
  private async resend(
    events: ReplayCandidate[],
    testEventCode: string | undefined,
    note: string,
    stamp: number,
  ): Promise<void> {
    try {
      await withTimeout(this.dispatch.waitUntilReady(), REDIS_TIMEOUT_MS, 'connecting to Redis');
      // A cheap read: fails at once when the connection is down (no offline queue).
      await withTimeout(this.dispatch.count(), REDIS_TIMEOUT_MS, 'reading the dispatch queue');
    } catch (error) {
      throw redisDown(error);
    }
    const capi = events.flatMap((event) => event.capi);
    const jobIdSuffix = `-replay-${stamp}`;
    const undo = await this.admin.markReplayed(
      capi.map((row) => row.id),
      testEventCode,
      note,
      jobIdSuffix,
    );
    try {
      await withTimeout(
        this.dispatch.enqueueEach(
          capi.map((row) => ({
            dispatchId: row.id,
            platform: row.platform as DispatchPlatform,
            destination: row.destination,
            jobId: `${row.id}${jobIdSuffix}`,
          })),
        ),
        REDIS_TIMEOUT_MS * 2,
        'adding the dispatch jobs',
      );
    } catch (error) {
      await this.admin.undoReplay(undo);
      throw redisDown(error);
    }
  }
}
