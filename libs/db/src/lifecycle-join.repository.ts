import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { sha256Hex } from '@app/journey';
import { PG_POOL } from './pg-pool';

export interface LifecycleEventRow {
  id: string;
  provider: string;
  tenant: string;
  object_type: string;
  object_id: string;
  pipeline: string | null;
  stage_field: string;
  stage: string;
  won: boolean | null;
  event_name: string | null;
  status: string;
  occurred_at: Date;
  value: string | null;
  currency: string | null;
  lead_id: string | null;
  note: string | null;
  event_id: string | null;
  hints: {
    external_id?: string;
    crm_records: { object_type: string; id: string }[];
    email_hashes: string[];
    phone_hashes: string[];
  };
}

export interface JourneyRow {
  visitor_id: string;
  external_id: string;
  first_fbc: string | null;
  first_fbc_at: Date | null;
  first_fbp: string | null;
  first_ip: string | null;
  first_user_agent: string | null;
  consent: Record<string, string> | null;
  lead_id: string | null;
  hashes: { key_type: string; hash: string }[];
  bots: boolean[];
  last_seen_at: Date;
  /** Other platforms' click ids on the visitor's touchpoints, newest first (at most CLICK_IDS_FETCHED). */
  click_ids?: { type: string; value: string; at: string }[];
}

/**
 * The per-event lookups of the full join (libs/journey's join-order decides their order); batches take their
 * first steps, links and journey fetch through LifecycleBatchRepository. Raw SQL: single indexed lookups on
 * JSONB hints and hashed keys, each one round trip per event step (measured on the join bench).
 */
@Injectable()
export class LifecycleJoinRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async externalIdErased(externalId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `SELECT 1 FROM erasure_tombstones WHERE key_type = 'external_id' AND key_hash = $1`,
      [sha256Hex(externalId)],
    );
    return (rowCount ?? 0) > 0;
  }

  /** True when one of these CRM records belonged to an erased journey (tombstones hold their hashes). */
  async crmRecordErased(provider: string, records: { object_type: string; id: string }[]): Promise<boolean> {
    if (!records.length) return false;
    const { rowCount } = await this.pool.query(
      `SELECT 1 FROM erasure_tombstones WHERE (key_type, key_hash) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [
        records.map((record) => `${provider}:${record.object_type}`),
        records.map((record) => sha256Hex(record.id)),
      ],
    );
    return (rowCount ?? 0) > 0;
  }

  async visitorByExternalId(externalId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ id: string }>('SELECT id FROM visitors WHERE external_id = $1', [
      externalId,
    ]);
    return rows[0]?.id;
  }

  /** The most recently seen visitor linked to any of these CRM records. */
  async visitorByCrmRecords(
    provider: string,
    records: { object_type: string; id: string }[],
  ): Promise<string | undefined> {
    if (!records.length) return undefined;
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT v.id FROM crm_links l JOIN visitors v ON v.id = l.visitor_id
       JOIN unnest($2::text[], $3::text[]) AS r(object_type, crm_id) ON l.object_type = r.object_type AND l.crm_id = r.crm_id
       WHERE l.provider = $1 ORDER BY v.last_seen_at DESC LIMIT 1`,
      [provider, records.map((record) => record.object_type), records.map((record) => record.id)],
    );
    return rows[0]?.id;
  }

  /** The most recently seen visitor holding any of these hashes of one key type (em or ph). */
  async visitorByHash(keyType: 'em' | 'ph', hashes: string[]): Promise<string | undefined> {
    if (!hashes.length) return undefined;
    const { rows } = await this.pool.query<{ id: string }>(
      `SELECT v.id FROM identities i JOIN visitor_identities vi ON vi.identity_id = i.id JOIN visitors v ON v.id = vi.visitor_id
       WHERE i.key_type = $1 AND i.hash = ANY($2::char(64)[]) ORDER BY v.last_seen_at DESC LIMIT 1`,
      [keyType, hashes],
    );
    return rows[0]?.id;
  }

  /** Adds what the CRM API revealed (hashes, contact ids) to an event's hints, for the unjoined retry. */
  async mergeHints(
    id: string,
    learned: {
      email_hashes: string[];
      phone_hashes: string[];
      crm_records: { object_type: string; id: string }[];
    },
  ): Promise<void> {
    await this.pool.query(
      `UPDATE lifecycle_events SET hints = hints || jsonb_build_object('email_hashes', $2::jsonb, 'phone_hashes', $3::jsonb,
         'crm_records', $4::jsonb), updated_at = now() WHERE id = $1`,
      [
        id,
        JSON.stringify([...new Set(learned.email_hashes)]),
        JSON.stringify([...new Set(learned.phone_hashes)]),
        JSON.stringify(learned.crm_records),
      ],
    );
  }

  /**
   * Re-pends every unjoined event that changed within `maxAgeMs` (the relay queues them, the whole join runs
   * again: a CRM contact created or associated since is found through the API). Returns how many.
   */
  async rependUnjoined(maxAgeMs: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE lifecycle_events SET status = 'pending', status_reason = NULL, enqueued_at = NULL, updated_at = now()
       WHERE status = 'unjoined' AND occurred_at > now() - make_interval(secs => $1 / 1000.0)`,
      [maxAgeMs],
    );
    return rowCount ?? 0;
  }

  /** Re-pends events that waited for a CAPI destination (the relay queues them again). */
  async resumeWaiting(): Promise<number> {
    const { rowCount } = await this.pool.query(
      `UPDATE lifecycle_events SET status = 'pending', status_reason = NULL, enqueued_at = NULL, updated_at = now()
       WHERE status = 'waiting_destination'`,
    );
    return rowCount ?? 0;
  }
}
