import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { CapiServerEvent } from '@app/destinations';
import { PG_POOL } from './pg-pool';

export interface QueuedCapiEvent {
  id: string;
  lifecycle_event_id: string;
  destination: string;
  event_id: string;
  /** As the worker built it (a replay may carry one built by an older version: the dispatcher validates it). */
  payload: CapiServerEvent;
  test_event_code: string | null;
  status: string;
}

export interface CapiRequestRecord {
  destination: string;
  eventCount: number;
  requestBody: object;
  responseStatus: number;
  responseBody: unknown;
  outcome: string;
  fbtraceId?: string;
  durationMs: number;
}

/**
 * CAPI events and the Graph requests that carried them. (lifecycle_event_id, destination) and
 * (destination, event_id) are unique: one Meta event per lifecycle event and pixel, and one per CRM object +
 * event name even when the CRM reports the same stage twice.
 */
@Injectable()
export class CapiEventRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Queues a batch of events (one insert, one read). Returns, per input in order, the event now owning its
   * lifecycle event or event_id (another lifecycle event's, when this CRM object already produced it).
   */
  async queueMany(
    destination: string,
    inputs: {
      lifecycleEventId: string;
      eventId: string;
      eventName: string;
      payload: CapiServerEvent;
      /** Visitors whose journeys the event carries (the joined one first). */
      contributorVisitorIds?: string[];
      /** Match keys those journeys knew (coverage). */
      knownKeys?: string[];
    }[],
    testEventCode?: string,
  ): Promise<{ id: string; status: string; lifecycleEventId: string }[]> {
    if (!inputs.length) return [];
    // The two lists per event travel as JSON: unnest would flatten a two-dimensional array.
    await this.pool.query(
      `INSERT INTO capi_events (id, lifecycle_event_id, destination, event_id, event_name, status, payload, test_event_code,
         contributor_visitor_ids, known_keys)
       SELECT gen_random_uuid(), i.lifecycle_event_id, $1, i.event_id, i.event_name, 'queued', i.payload, $5,
         ARRAY(SELECT jsonb_array_elements_text(i.contributors))::uuid[],
         ARRAY(SELECT jsonb_array_elements_text(i.known_keys))::varchar(32)[]
       FROM unnest($2::uuid[], $3::text[], $4::text[], $6::jsonb[], $7::jsonb[], $8::jsonb[]) WITH ORDINALITY
         AS i(lifecycle_event_id, event_id, event_name, payload, contributors, known_keys, n)
       ORDER BY i.n ON CONFLICT DO NOTHING`,
      [
        destination,
        inputs.map((input) => input.lifecycleEventId),
        inputs.map((input) => input.eventId),
        inputs.map((input) => input.eventName),
        testEventCode ?? null,
        inputs.map((input) => JSON.stringify(input.payload)),
        inputs.map((input) => JSON.stringify(input.contributorVisitorIds ?? [])),
        inputs.map((input) => JSON.stringify(input.knownKeys ?? [])),
      ],
    );
    const { rows } = await this.pool.query<{
      id: string;
      status: string;
      lifecycle_event_id: string;
      event_id: string;
    }>(
      `SELECT id, status, lifecycle_event_id, event_id FROM capi_events
       WHERE destination = $1 AND (lifecycle_event_id = ANY($2::uuid[]) OR event_id = ANY($3::text[]))`,
      [destination, inputs.map((input) => input.lifecycleEventId), inputs.map((input) => input.eventId)],
    );
    const byLifecycle = new Map(rows.map((row) => [row.lifecycle_event_id, row]));
    const byEventId = new Map(rows.map((row) => [row.event_id, row]));
    return inputs.map((input) => {
      const row = byLifecycle.get(input.lifecycleEventId) ?? byEventId.get(input.eventId)!;
      return { id: row.id, status: row.status, lifecycleEventId: row.lifecycle_event_id };
    });
  }

  /**
   * Records the dispatch job about to carry these events; returns those it claimed (not yet carried by
   * another job, or already by this one: a re-run of the same lifecycle job adds the same job id again).
   */
  async claimForJob(ids: string[], jobId: string): Promise<string[]> {
    if (!ids.length) return [];
    const { rows } = await this.pool.query<{ id: string }>(
      `UPDATE capi_events SET job_id = $2 WHERE id = ANY($1::uuid[]) AND (job_id IS NULL OR job_id = $2) RETURNING id`,
      [ids, jobId],
    );
    return rows.map((row) => row.id);
  }

  async byIds(ids: string[]): Promise<QueuedCapiEvent[]> {
    const { rows } = await this.pool.query<QueuedCapiEvent>(
      'SELECT * FROM capi_events WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return rows;
  }

  async recordRequest(record: CapiRequestRecord): Promise<string> {
    const id = randomUUID();
    await this.pool.query(
      `INSERT INTO capi_requests (id, destination, event_count, request_body, response_status, response_body, outcome, fbtrace_id, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        id,
        record.destination,
        record.eventCount,
        JSON.stringify(record.requestBody),
        record.responseStatus,
        record.responseBody === undefined ? null : JSON.stringify(record.responseBody),
        record.outcome,
        record.fbtraceId ?? null,
        Math.round(record.durationMs),
      ],
    );
    return id;
  }

  /** Meta accepted these events: they and their lifecycle events are sent (only queued rows change). */
  async markSent(ids: string[], requestId: string): Promise<void> {
    await this.pool.query(
      `WITH sent AS (
         UPDATE capi_events SET status = 'sent', sent_at = now(), request_id = $2, attempts = attempts + 1,
           status_reason = NULL, updated_at = now()
         WHERE id = ANY($1::uuid[]) AND status <> 'sent' RETURNING lifecycle_event_id)
       UPDATE lifecycle_events SET status = 'sent', status_reason = NULL, updated_at = now()
       WHERE id IN (SELECT lifecycle_event_id FROM sent)`,
      [ids, requestId],
    );
  }

  /**
   * Parked: never retried automatically — Meta refused this one event (lifecycle status `rejected`), or it
   * grew too old while waiting (`expired`, no request).
   */
  async markParked(
    id: string,
    reason: string,
    requestId: string | null,
    lifecycleStatus = 'rejected',
  ): Promise<void> {
    await this.pool.query(
      `WITH parked AS (
         UPDATE capi_events SET status = 'parked', status_reason = $2, request_id = $3, attempts = attempts + 1,
           updated_at = now() WHERE id = $1 AND status <> 'sent' RETURNING lifecycle_event_id)
       UPDATE lifecycle_events SET status = $4, status_reason = $2, updated_at = now()
       WHERE id IN (SELECT lifecycle_event_id FROM parked)`,
      [id, reason.slice(0, 1000), requestId, lifecycleStatus],
    );
  }

  async markAttempt(ids: string[], reason: string, finalFailure = false): Promise<void> {
    await this.pool.query(
      `WITH tried AS (
         UPDATE capi_events SET attempts = attempts + 1, status_reason = $2,
           status = CASE WHEN $3::boolean THEN 'failed' ELSE status END, updated_at = now()
         WHERE id = ANY($1::uuid[]) AND status = 'queued' RETURNING lifecycle_event_id)
       UPDATE lifecycle_events SET status = CASE WHEN $3::boolean THEN 'failed' ELSE status END, status_reason = $2,
         updated_at = now() WHERE id IN (SELECT lifecycle_event_id FROM tried)`,
      [ids, reason.slice(0, 1000), finalFailure],
    );
  }

  async pause(destination: string, tokenFingerprint: string, reason: string): Promise<void> {
    await this.pool.query(
      `INSERT INTO capi_destination_pauses (destination, token_fingerprint, reason) VALUES ($1, $2, $3)
       ON CONFLICT (destination) DO UPDATE SET token_fingerprint = $2, reason = $3, paused_at = now()`,
      [destination, tokenFingerprint, reason.slice(0, 1000)],
    );
  }

  /** The pause in force for this destination and token, if any (a pause made under another token is lifted). */
  async activePause(destination: string, tokenFingerprint: string): Promise<{ reason: string } | undefined> {
    const { rows } = await this.pool.query<{ reason: string; token_fingerprint: string }>(
      'SELECT reason, token_fingerprint FROM capi_destination_pauses WHERE destination = $1',
      [destination],
    );
    if (!rows[0]) return undefined;
    if (rows[0].token_fingerprint !== tokenFingerprint) {
      await this.pool.query('DELETE FROM capi_destination_pauses WHERE destination = $1', [destination]);
      return undefined;
    }
    return { reason: rows[0].reason };
  }
}
