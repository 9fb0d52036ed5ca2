import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { PageCursor } from './admin.repository';
import { PG_POOL } from './pg-pool';

export interface JourneyHit {
  external_id: string;
  /** external_id | crm_id | em | ph */
  matched_by: string;
  first_seen_at: Date;
  last_seen_at: Date;
}

/** A lifecycle event found by its CRM record id, joined or not (an unjoined one has no journey to open). */
export interface LifecycleHit {
  id: string;
  provider: string;
  object_type: string;
  object_id: string;
  event_name: string | null;
  status: string;
  status_reason: string | null;
  external_id: string | null;
  created_at: Date;
}

export interface RequestDetail {
  id: string;
  platform: string;
  outcome: string;
  response_status: number;
  response_body: unknown;
  trace_id: string | null;
  processing_status: string | null;
  created_at: Date;
}

export interface NotSentFilter {
  statuses: readonly string[];
  provider?: string;
  eventName?: string;
}

export interface NotSentDispatchRow {
  id: string;
  lifecycle_event_id: string;
  platform: string;
  destination: string;
  event_name: string;
  status: string;
  status_reason: string | null;
  external_id: string | null;
  created_at: Date;
}

export interface EventDetail {
  stage: string;
  join_method: string | null;
  event_id: string | null;
  occurred_at: string;
  note: string | null;
  dispatches: {
    id: string;
    platform: string;
    destination: string;
    status: string;
    status_reason: string | null;
    payload: unknown;
    request_id: string | null;
    sent_at: string | null;
    test_event_code: string | null;
  }[];
}

const MAX_HITS = 50;

/**
 * The console's journey search (every lookup on a unique key or an index: visitors.external_id,
 * identities (hash, key_type), crm_links.crm_id, lifecycle_events (provider, object_id)), the audit of the requests a
 * timeline shows, and the keyset-paged lists of what was not sent. Raw SQL: unions and row-value keyset
 * comparisons read plainer than their Prisma forms.
 */
@Injectable()
export class ConsoleJourneysRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Visitors by external_id, CRM record id, or hashed email/phone (`{ em, ph }` as identities hold them). */
  async search(
    term: string,
    hashes: { keyType: string; hash: string }[],
    providers: readonly string[],
  ): Promise<JourneyHit[]> {
    const { rows } = await this.pool.query<JourneyHit>(
      `SELECT DISTINCT ON (v.external_id) v.external_id, hit.matched_by, v.first_seen_at, v.last_seen_at
       FROM (
         SELECT id AS visitor_id, 'external_id' AS matched_by FROM visitors WHERE external_id = $1
         UNION ALL
         SELECT visitor_id, 'crm_id' FROM crm_links WHERE crm_id = $1
         UNION ALL
         SELECT le.visitor_id, 'crm_id' FROM lifecycle_events le
         WHERE le.provider = ANY($4) AND le.object_id = $1 AND le.visitor_id IS NOT NULL
         UNION ALL
         SELECT vi.visitor_id, i.key_type FROM identities i JOIN visitor_identities vi ON vi.identity_id = i.id
         WHERE (i.hash, i.key_type) IN (SELECT * FROM unnest($2::text[], $3::text[]))
       ) hit JOIN visitors v ON v.id = hit.visitor_id
       ORDER BY v.external_id LIMIT ${MAX_HITS}`,
      [term, hashes.map((h) => h.hash), hashes.map((h) => h.keyType), providers],
    );
    return rows;
  }

  /** `providers`: every CRM, so the (provider, object_id) index serves the lookup. */
  async lifecycleByObjectId(objectId: string, providers: readonly string[]): Promise<LifecycleHit[]> {
    const { rows } = await this.pool.query<LifecycleHit>(
      `SELECT le.id, le.provider, le.object_type, le.object_id, le.event_name, le.status, le.status_reason,
         v.external_id, le.created_at
       FROM lifecycle_events le LEFT JOIN visitors v ON v.id = le.visitor_id
       WHERE le.provider = ANY($2) AND le.object_id = $1 ORDER BY le.created_at DESC LIMIT ${MAX_HITS}`,
      [objectId, providers],
    );
    return rows;
  }

  /** The requests that carried a timeline's dispatches: the platform's answer, trace id, read-back status. */
  async requests(ids: string[]): Promise<RequestDetail[]> {
    if (!ids.length) return [];
    const { rows } = await this.pool.query<RequestDetail>(
      `SELECT id, platform, outcome, response_status, response_body, trace_id, processing_status, created_at
       FROM destination_requests WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return rows;
  }

  /** Lifecycle events in the given statuses, newest first; `limit` + 1 rows to know if another page exists. */
  async notSentEvents(filter: NotSentFilter, limit: number, cursor?: PageCursor): Promise<LifecycleHit[]> {
    const params: unknown[] = [filter.statuses];
    const clauses = ['le.status = ANY($1)'];
    const add = (value: unknown, clause: (p: string) => string) => {
      if (value === undefined) return;
      params.push(value);
      clauses.push(clause(`$${params.length}`));
    };
    add(filter.provider, (p) => `le.provider = ${p}`);
    add(filter.eventName, (p) => `le.event_name = ${p}`);
    if (cursor) {
      params.push(cursor.createdAt, cursor.id);
      clauses.push(`(le.created_at, le.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const { rows } = await this.pool.query<LifecycleHit>(
      `SELECT le.id, le.provider, le.object_type, le.object_id, le.event_name, le.status, le.status_reason,
         v.external_id, le.created_at
       FROM lifecycle_events le LEFT JOIN visitors v ON v.id = le.visitor_id
       WHERE ${clauses.join(' AND ')} ORDER BY le.created_at DESC, le.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows;
  }

  /** Dispatches parked, failed or skipped (optionally one platform), newest first, keyset-paged. */
  async notSentDispatches(
    platform: string | undefined,
    limit: number,
    cursor?: PageCursor,
  ): Promise<NotSentDispatchRow[]> {
    const params: unknown[] = [];
    const clauses = [`d.status IN ('parked', 'failed', 'skipped')`];
    if (platform !== undefined) {
      params.push(platform);
      clauses.push(`d.platform = $${params.length}`);
    }
    if (cursor) {
      params.push(cursor.createdAt, cursor.id);
      clauses.push(`(d.created_at, d.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(limit + 1);
    const { rows } = await this.pool.query<NotSentDispatchRow>(
      `SELECT d.id, d.lifecycle_event_id, d.platform, d.destination, d.event_name, d.status, d.status_reason,
         v.external_id, d.created_at
       FROM dispatches d JOIN lifecycle_events le ON le.id = d.lifecycle_event_id
       LEFT JOIN visitors v ON v.id = le.visitor_id
       WHERE ${clauses.join(' AND ')} ORDER BY d.created_at DESC, d.id DESC LIMIT $${params.length}`,
      params,
    );
    return rows;
  }

  /** One lifecycle event with its dispatches (payload, reason, the request that carried it). */
  async event(id: string): Promise<(LifecycleHit & { detail: EventDetail }) | undefined> {
    const { rows } = await this.pool.query<LifecycleHit & { detail: EventDetail }>(
      `SELECT le.id, le.provider, le.object_type, le.object_id, le.event_name, le.status, le.status_reason,
         v.external_id, le.created_at,
         json_build_object('stage', le.stage, 'join_method', le.join_method, 'event_id', le.event_id,
           'occurred_at', le.occurred_at, 'note', le.note, 'dispatches', COALESCE((SELECT json_agg(json_build_object(
             'id', d.id, 'platform', d.platform, 'destination', d.destination, 'status', d.status,
             'status_reason', d.status_reason, 'payload', d.payload, 'request_id', d.request_id,
             'sent_at', d.sent_at, 'test_event_code', d.test_event_code) ORDER BY d.platform)
             FROM dispatches d WHERE d.lifecycle_event_id = le.id), '[]')) AS detail
       FROM lifecycle_events le LEFT JOIN visitors v ON v.id = le.visitor_id WHERE le.id = $1`,
      [id],
    );
    return rows[0];
  }

  /** The latest built event of a platform Meta would still accept (< 7 days old): a test event's carrier. */
  async recentBuiltEvent(
    platform: string,
    notBefore: Date,
  ): Promise<{ lifecycle_event_id: string } | undefined> {
    const { rows } = await this.pool.query<{ lifecycle_event_id: string }>(
      `SELECT d.lifecycle_event_id FROM dispatches d JOIN lifecycle_events le ON le.id = d.lifecycle_event_id
       WHERE d.platform = $1 AND d.payload IS NOT NULL AND d.status <> 'skipped' AND le.occurred_at >= $2
         AND d.created_at >= $2
       ORDER BY d.created_at DESC, d.id DESC LIMIT 1`,
      [platform, notBefore],
    );
    return rows[0];
  }
}
