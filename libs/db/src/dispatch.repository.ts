import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from './pg-pool';
import {
  dispatchOwners,
  insertNewDispatches,
  type OwnerRow,
  redecideSkippedDispatches,
} from './dispatch-queue.sql';
import { retryOnDeadlock } from './retry-on-deadlock';

export interface QueuedDispatch {
  id: string;
  lifecycle_event_id: string;
  platform: string;
  destination: string;
  event_id: string;
  /** As the worker built it (a replay may carry one built by an older version: the dispatcher validates it). */
  payload: unknown;
  test_event_code: string | null;
  status: string;
}

/** One destination's decision for one lifecycle event: an event to queue, or why none is sent. */
export interface DispatchInput {
  lifecycleEventId: string;
  eventId: string;
  eventName: string;
  /** `skipped` rows record why this destination gets nothing (no payload). */
  status: 'queued' | 'skipped';
  statusReason?: string;
  payload?: unknown;
  /** Visitors whose journeys the event carries (the joined one first). */
  contributorVisitorIds?: string[];
  /** Match keys those journeys knew (coverage). */
  knownKeys?: string[];
}

/** The row that owns an input of queueMany, and the dispatch job carrying it (null: none yet). */
export interface QueuedOwner {
  id: string;
  status: string;
  lifecycleEventId: string;
  jobId: string | null;
}

export interface DestinationRequestRecord {
  platform: string;
  destination: string;
  eventCount: number;
  requestBody: object;
  responseStatus: number;
  responseBody: unknown;
  outcome: string;
  traceId?: string;
  durationMs: number;
}

/**
 * Dispatches (each destination's decision and event per lifecycle event) and the requests that carried them.
 * (lifecycle_event_id, platform, destination) and (platform, destination, event_id) are unique: one event per
 * lifecycle event and destination, and one per CRM object + event name even when the CRM reports the same stage
 * twice. Raw SQL: the batch statements (unnest inserts, CTE status updates) have no Prisma equivalent.
 */
@Injectable()
export class DispatchRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Queues a batch of events for one destination. Returns, per input in order, the row now owning its lifecycle
   * event or event_id (another lifecycle event's, when this CRM object already produced it), with the job that
   * carries it. `jobId` is the dispatch job that will carry the queued rows this call inserts: naming it in the
   * insert spares each row a second write (the claim) on the hot path.
   *
   * One statement when every row is new (the usual case); the rows that already exist (a re-run of the join)
   * take two more: a destination that skipped the event before decides again (its skipped row takes the new
   * decision), then the owners are read.
   */
  async queueMany(
    target: { platform: string; destination: string },
    inputs: DispatchInput[],
    testEventCode?: string,
    jobId?: string,
  ): Promise<QueuedOwner[]> {
    if (!inputs.length) return [];
    const inserted = await insertNewDispatches(
      this.pool,
      target,
      inputs,
      testEventCode ?? null,
      jobId ?? null,
    );
    const byLifecycle = new Map(inserted.map((row) => [row.lifecycle_event_id, row]));
    const existing = inputs.filter((input) => !byLifecycle.has(input.lifecycleEventId));
    const byEventId = new Map<string, OwnerRow>();
    if (existing.length) {
      await redecideSkippedDispatches(this.pool, target, existing);
      for (const row of await dispatchOwners(this.pool, target, existing)) {
        byLifecycle.set(row.lifecycle_event_id, row);
        byEventId.set(row.event_id, row);
      }
    }
    return inputs.map((input) => {
      const row = byLifecycle.get(input.lifecycleEventId) ?? byEventId.get(input.eventId)!;
      return { id: row.id, status: row.status, lifecycleEventId: row.lifecycle_event_id, jobId: row.job_id };
    });
  }

  /**
   * Records the dispatch job about to carry these events; returns those it claimed (not yet carried by
   * another job, or already by this one: a re-run of the same lifecycle job adds the same job id again).
   * Rows this job already carries are not written again.
   */
  async claimForJob(ids: string[], jobId: string): Promise<string[]> {
    if (!ids.length) return [];
    const { rows } = await this.pool.query<{ id: string }>(
      `WITH claimed AS (
         UPDATE dispatches SET job_id = $2 WHERE id = ANY($1::uuid[]) AND job_id IS NULL RETURNING id)
       SELECT id FROM claimed UNION ALL SELECT id FROM dispatches WHERE id = ANY($1::uuid[]) AND job_id = $2`,
      [ids, jobId],
    );
    return rows.map((row) => row.id);
  }

  async byIds(ids: string[]): Promise<QueuedDispatch[]> {
    // The columns the sender uses, not `*`: the rest (contributors, known keys, timestamps) would only be parsed.
    const { rows } = await this.pool.query<QueuedDispatch>(
      `SELECT id, lifecycle_event_id, platform, destination, event_id, payload, test_event_code, status
       FROM dispatches WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows;
  }

  async recordRequest(record: DestinationRequestRecord): Promise<string> {
    const id = randomUUID();
    await this.pool.query(
      `INSERT INTO destination_requests (id, platform, destination, event_count, request_body, response_status,
         response_body, outcome, trace_id, duration_ms)
       VALUES ($1, $10, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        record.destination,
        record.eventCount,
        JSON.stringify(record.requestBody),
        record.responseStatus,
        record.responseBody === undefined ? null : JSON.stringify(record.responseBody),
        record.outcome,
        record.traceId?.slice(0, 128) ?? null,
        Math.round(record.durationMs),
        record.platform,
      ],
    );
    return id;
  }

  /**
   * The platform accepted these events: they and their lifecycle events are sent (only unsent rows change).
   * `status` is `dry_run` when DRY_RUN_DESTINATIONS recorded the request instead of sending it.
   */
  async markSent(ids: string[], requestId: string, status: 'sent' | 'dry_run' = 'sent'): Promise<void> {
    // Several platforms mark events of the same lifecycle events at once: the lifecycle rows are locked in id
    // order (no deadlock between them) and only written when their status changes (once, not per platform).
    await retryOnDeadlock(() =>
      this.pool.query(
        `WITH sent AS (
           UPDATE dispatches SET status = $3, sent_at = now(), request_id = $2, attempts = attempts + 1,
             status_reason = NULL, updated_at = now()
           WHERE id = ANY($1::uuid[]) AND status <> 'sent' RETURNING lifecycle_event_id),
         changing AS (
           SELECT id FROM lifecycle_events WHERE id IN (SELECT lifecycle_event_id FROM sent)
             AND status <> $3 AND status <> 'sent' ORDER BY id FOR UPDATE)
         UPDATE lifecycle_events SET status = $3, status_reason = NULL, updated_at = now()
         WHERE id IN (SELECT id FROM changing)`,
        [ids, requestId, status],
      ),
    );
  }

  /**
   * Parked: never retried automatically — the platform refused this one event (lifecycle status `rejected`), or
   * it grew too old while waiting (`expired`, no request). The lifecycle event takes that status only while no
   * other destination sent it or still has it queued.
   */
  async markParked(
    id: string,
    reason: string,
    requestId: string | null,
    lifecycleStatus = 'rejected',
  ): Promise<void> {
    await this.pool.query(
      `WITH parked AS (
         UPDATE dispatches SET status = 'parked', status_reason = $2, request_id = $3, attempts = attempts + 1,
           updated_at = now() WHERE id = $1 AND status <> 'sent' RETURNING id, lifecycle_event_id)
       UPDATE lifecycle_events SET status = $4, status_reason = $2, updated_at = now()
       WHERE id IN (SELECT lifecycle_event_id FROM parked) AND ${NO_OTHER_LIVE_DISPATCH}`,
      [id, reason.slice(0, 1000), requestId, lifecycleStatus],
    );
  }

  async markAttempt(ids: string[], reason: string, finalFailure = false): Promise<void> {
    // Lifecycle rows locked in id order, as markSent does (another platform may be marking the same ones).
    await retryOnDeadlock(() =>
      this.pool.query(
        `WITH tried AS (
           UPDATE dispatches SET attempts = attempts + 1, status_reason = $2,
             status = CASE WHEN $3::boolean THEN 'failed' ELSE status END, updated_at = now()
           WHERE id = ANY($1::uuid[]) AND status = 'queued' RETURNING id, lifecycle_event_id),
         changing AS (
           SELECT id FROM lifecycle_events WHERE id IN (SELECT lifecycle_event_id FROM tried) AND status <> 'sent'
             AND (NOT $3::boolean OR ${NO_OTHER_LIVE_DISPATCH.replace('parked', 'tried')})
           ORDER BY id FOR UPDATE)
         UPDATE lifecycle_events SET status = CASE WHEN $3::boolean THEN 'failed' ELSE status END, status_reason = $2,
           updated_at = now() WHERE id IN (SELECT id FROM changing)`,
        [ids, reason.slice(0, 1000), finalFailure],
      ),
    );
  }

  async pause(target: DestinationKey, tokenFingerprint: string, reason: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO destination_pauses (platform, destination, token_fingerprint, reason) VALUES ($1, $2, $3, $4)
       ON CONFLICT (platform, destination) DO UPDATE SET token_fingerprint = $3, reason = $4, paused_at = now()`,
      [target.platform, target.destination, tokenFingerprint, reason.slice(0, 1000)],
    );
  }

  /** The pause in force for this destination and credentials, if any (one made under others is lifted). */
  async activePause(
    target: DestinationKey,
    tokenFingerprint: string,
  ): Promise<{ reason: string } | undefined> {
    const { rows } = await this.pool.query<{ reason: string; token_fingerprint: string }>(
      'SELECT reason, token_fingerprint FROM destination_pauses WHERE platform = $1 AND destination = $2',
      [target.platform, target.destination],
    );
    if (!rows[0]) return undefined;
    if (rows[0].token_fingerprint !== tokenFingerprint) {
      await this.pool.query('DELETE FROM destination_pauses WHERE platform = $1 AND destination = $2', [
        target.platform,
        target.destination,
      ]);
      return undefined;
    }
    return { reason: rows[0].reason };
  }
}

export interface DestinationKey {
  platform: string;
  destination: string;
}

/** SQL: no other dispatch of the lifecycle event (the CTE `parked`) was sent or is still queued. */
const NO_OTHER_LIVE_DISPATCH = `NOT EXISTS (SELECT 1 FROM dispatches other
  WHERE other.lifecycle_event_id = lifecycle_events.id AND other.id NOT IN (SELECT id FROM parked)
    AND other.status IN ('queued', 'sent', 'dry_run'))`;
