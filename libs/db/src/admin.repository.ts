import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from './pg-pool';

/** Which lifecycle events a replay or a listing covers. Times bound `occurred_at` (since ≤ t < until). */
export interface LifecycleEventFilter {
  ids?: string[];
  status?: string;
  provider?: string;
  eventName?: string;
  since?: Date;
  until?: Date;
}

/** Which CAPI events the dispatch listing covers. Times bound the CAPI event's `created_at`. */
export interface DispatchFilter {
  status?: string;
  eventName?: string;
  since?: Date;
  until?: Date;
}

/** Keyset position: the last row of the previous page (newest first: created_at DESC, id DESC). */
export interface PageCursor {
  createdAt: Date;
  id: string;
}

export interface ReplayCandidate {
  id: string;
  status: string;
  event_name: string | null;
  event_id: string | null;
  status_reason: string | null;
  occurred_at: Date;
  /** Its dispatches that carry an event (skipped ones have none to re-send). */
  capi: { id: string; platform: string; destination: string; status: string }[];
}

/** What a replay overwrote, so it can be put back when the jobs could not be queued. */
export interface ReplayUndo {
  note: string;
  capi: { id: string; status: string; status_reason: string | null; test_event_code: string | null }[];
  lifecycle: { id: string; status: string; status_reason: string | null }[];
}

export interface LifecycleEventListRow {
  id: string;
  provider: string;
  tenant: string;
  object_type: string;
  object_id: string;
  pipeline: string | null;
  stage: string;
  event_name: string | null;
  status: string;
  status_reason: string | null;
  join_method: string | null;
  event_id: string | null;
  external_id: string | null;
  occurred_at: Date;
  value: string | null;
  currency: string | null;
  enqueue_count: number;
  created_at: Date;
  updated_at: Date;
}

export interface DispatchListRow {
  id: string;
  lifecycle_event_id: string;
  destination: string;
  event_id: string;
  event_name: string;
  status: string;
  status_reason: string | null;
  attempts: number;
  test_event_code: string | null;
  replay_count: number;
  last_replayed_at: Date | null;
  sent_at: Date | null;
  created_at: Date;
  updated_at: Date;
  request_id: string | null;
  request_outcome: string | null;
  response_status: number | null;
  platform: string;
  trace_id: string | null;
  request_at: Date | null;
}

/** Builds `WHERE a AND b ...` with numbered parameters. */
class Where {
  readonly params: unknown[] = [];
  private readonly clauses: string[] = [];

  add(clause: string): void {
    this.clauses.push(clause);
  }

  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  when(value: unknown, build: (placeholder: string) => string): void {
    if (value !== undefined) this.clauses.push(build(this.param(value)));
  }

  toString(): string {
    return this.clauses.length ? `WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

function lifecycleWhere(filter: LifecycleEventFilter, cursor?: PageCursor): Where {
  const where = new Where();
  where.when(filter.ids, (p) => `le.id = ANY(${p}::uuid[])`);
  where.when(filter.status, (p) => `le.status = ${p}`);
  where.when(filter.provider, (p) => `le.provider = ${p}`);
  where.when(filter.eventName, (p) => `le.event_name = ${p}`);
  where.when(filter.since, (p) => `le.occurred_at >= ${p}`);
  where.when(filter.until, (p) => `le.occurred_at < ${p}`);
  if (cursor) {
    const at = where.param(cursor.createdAt);
    const id = where.param(cursor.id);
    where.add(`(le.created_at, le.id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  return where;
}

/**
 * Admin reads (listings with keyset pagination) and the state changes of a replay. Raw SQL: keyset pagination on
 * composite row comparisons, json_agg of each event's dispatches, and FOR UPDATE in the replay transaction.
 */
@Injectable()
export class AdminRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** The lifecycle events a replay selects, with their CAPI events; at most `max` + 1 (to detect overflow). */
  async replayCandidates(filter: LifecycleEventFilter, max: number): Promise<ReplayCandidate[]> {
    const where = lifecycleWhere(filter);
    const limit = where.param(max + 1);
    const { rows } = await this.pool.query<ReplayCandidate>(
      `SELECT le.id, le.status, le.event_name, le.event_id, le.status_reason, le.occurred_at,
         COALESCE((SELECT json_agg(json_build_object('id', ce.id, 'platform', ce.platform, 'destination', ce.destination,
           'status', ce.status) ORDER BY ce.created_at) FROM dispatches ce
           WHERE ce.lifecycle_event_id = le.id AND ce.status <> 'skipped'), '[]') AS capi
       FROM lifecycle_events le ${where} ORDER BY le.occurred_at, le.id LIMIT ${limit}`,
      where.params,
    );
    return rows;
  }

  /**
   * Puts built CAPI events back to `queued` (same event_id and payload; the replay's test_event_code, or the
   * original one) and their lifecycle events to `queued` with the replay note. Committed before the jobs are
   * added, so a worker picking a job up sees the row queued; `undoReplay` reverts it if the add fails.
   */
  async markReplayed(
    capiEventIds: string[],
    testEventCode: string | undefined,
    note: string,
    jobIdSuffix: string,
  ): Promise<ReplayUndo> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const capi = await client.query<ReplayUndo['capi'][number] & { lifecycle_event_id: string }>(
        `SELECT id, lifecycle_event_id, status, status_reason, test_event_code FROM dispatches
         WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        [capiEventIds],
      );
      const lifecycleIds = [...new Set(capi.rows.map((row) => row.lifecycle_event_id))];
      const lifecycle = await client.query<ReplayUndo['lifecycle'][number]>(
        `SELECT id, status, status_reason FROM lifecycle_events WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        [lifecycleIds],
      );
      await client.query(
        `UPDATE dispatches SET status = 'queued', test_event_code = COALESCE($2, test_event_code),
           status_reason = $3, replay_count = replay_count + 1, last_replayed_at = now(), updated_at = now(),
           job_id = id::text || $4
         WHERE id = ANY($1::uuid[])`,
        [capiEventIds, testEventCode ?? null, note, jobIdSuffix],
      );
      await client.query(
        `UPDATE lifecycle_events SET status = 'queued', status_reason = $2, updated_at = now()
         WHERE id = ANY($1::uuid[])`,
        [lifecycleIds, note],
      );
      await client.query('COMMIT');
      return {
        note,
        capi: capi.rows.map(({ id, status, status_reason, test_event_code }) => ({
          id,
          status,
          status_reason,
          test_event_code,
        })),
        lifecycle: lifecycle.rows,
      };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Reverts `markReplayed` for rows still as the replay left them (a worker may have moved on since). */
  async undoReplay(undo: ReplayUndo): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      for (const row of undo.capi) {
        await client.query(
          `UPDATE dispatches SET status = $2, status_reason = $3, test_event_code = $4,
             replay_count = replay_count - 1, updated_at = now()
           WHERE id = $1 AND status = 'queued' AND status_reason = $5`,
          [row.id, row.status, row.status_reason, row.test_event_code, undo.note],
        );
      }
      for (const row of undo.lifecycle) {
        await client.query(
          `UPDATE lifecycle_events SET status = $2, status_reason = $3, updated_at = now()
           WHERE id = $1 AND status = 'queued' AND status_reason = $4`,
          [row.id, row.status, row.status_reason, undo.note],
        );
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Never built into a CAPI event: back to `pending`, so the worker's relay queues it for the join again. */
  async repend(lifecycleEventIds: string[], note: string): Promise<number> {
    if (!lifecycleEventIds.length) return 0;
    const { rowCount } = await this.pool.query(
      `UPDATE lifecycle_events SET status = 'pending', status_reason = $2, enqueued_at = NULL, updated_at = now()
       WHERE id = ANY($1::uuid[]) AND NOT EXISTS (SELECT 1 FROM dispatches ce WHERE ce.lifecycle_event_id = lifecycle_events.id
         AND ce.status <> 'skipped')`,
      [lifecycleEventIds, note],
    );
    return rowCount ?? 0;
  }

  /** Newest first; `limit` + 1 rows are read so the caller knows whether another page exists. */
  async lifecycleEvents(
    filter: LifecycleEventFilter,
    limit: number,
    cursor?: PageCursor,
  ): Promise<LifecycleEventListRow[]> {
    const where = lifecycleWhere(filter, cursor);
    const max = where.param(limit + 1);
    const { rows } = await this.pool.query<LifecycleEventListRow>(
      `SELECT le.id, le.provider, le.tenant, le.object_type, le.object_id, le.pipeline, le.stage, le.event_name,
         le.status, le.status_reason, le.join_method, le.event_id, v.external_id, le.occurred_at, le.value,
         le.currency, le.enqueue_count, le.created_at, le.updated_at
       FROM lifecycle_events le LEFT JOIN visitors v ON v.id = le.visitor_id
       ${where} ORDER BY le.created_at DESC, le.id DESC LIMIT ${max}`,
      where.params,
    );
    return rows;
  }

  /** Dispatches with the request that last carried them (its outcome and trace id), newest first. */
  async dispatches(filter: DispatchFilter, limit: number, cursor?: PageCursor): Promise<DispatchListRow[]> {
    const where = new Where();
    where.when(filter.status, (p) => `ce.status = ${p}`);
    where.when(filter.eventName, (p) => `ce.event_name = ${p}`);
    where.when(filter.since, (p) => `ce.created_at >= ${p}`);
    where.when(filter.until, (p) => `ce.created_at < ${p}`);
    if (cursor) {
      const at = where.param(cursor.createdAt);
      const id = where.param(cursor.id);
      where.add(`(ce.created_at, ce.id) < (${at}::timestamptz, ${id}::uuid)`);
    }
    const max = where.param(limit + 1);
    const { rows } = await this.pool.query<DispatchListRow>(
      `SELECT ce.id, ce.lifecycle_event_id, ce.platform, ce.destination, ce.event_id, ce.event_name, ce.status, ce.status_reason,
         ce.attempts, ce.test_event_code, ce.replay_count, ce.last_replayed_at, ce.sent_at, ce.created_at, ce.updated_at,
         r.id AS request_id,
         r.outcome AS request_outcome, r.response_status, r.trace_id, r.created_at AS request_at
       FROM dispatches ce LEFT JOIN destination_requests r ON r.id = ce.request_id
       ${where} ORDER BY ce.created_at DESC, ce.id DESC LIMIT ${max}`,
      where.params,
    );
    return rows;
  }
}
