import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from './pg-pool';
import { VisitorErasedError } from './visitor-gone.error';

export interface NewTouchpoint {
  id: string;
  /** Fresh visitor id, used only when the external_id is new. */
  visitorId: string;
  externalId: string;
  /** sha256 of external_id, checked against erasure tombstones. */
  externalIdHash: string;
  anonymousId?: string;
  eventName: string;
  eventId: string;
  occurredAt: Date;
  source: 'browser' | 'server';
  url: string;
  referrer?: string;
  campaign: Record<string, string | undefined>;
  hasCampaign: boolean;
  /** The fbc this touchpoint carries (client `_fbc` or built from the URL's fbclid). */
  fbc?: string;
  fbcCreatedAt?: Date;
  fbclid?: string;
  /** True when fbc was built here from the URL: a repeat of the visitor's latest fbclid then reuses its fbc. */
  fbcBuilt: boolean;
  fbp?: string;
  ip?: string;
  userAgent?: string;
  consent?: object;
  isBot: boolean;
  botReason?: string;
  properties?: object;
}

export interface RecordedTouchpoint {
  touchpointId: string;
  externalId: string;
  fbc: string | null;
}

// One statement, one round trip: upsert the visitor (keeping the journey's first fbc/fbp/IP/UA) and insert
// the touchpoint, unless the external_id carries an erasure tombstone. A repeated fbclid reuses the stored
// fbc so a reload never re-dates the click.
const RECORD_TOUCHPOINT_SQL = `
WITH visitor AS (
  INSERT INTO visitors AS v (id, external_id, anonymous_id, first_fbc, first_fbc_at, last_fbc, last_fbclid,
    first_fbp, first_ip, first_user_agent, last_ip, last_user_agent, consent, first_seen_at, last_seen_at,
    updated_at)
  SELECT $1, $2, $3, $4, $5, $4, $6, $7, $8, $9, $8, $9, $10, $11, $11, now()
  WHERE NOT EXISTS (SELECT 1 FROM erasure_tombstones WHERE key_type = 'external_id' AND key_hash = $12)
  ON CONFLICT (external_id) DO UPDATE SET
    anonymous_id = COALESCE(v.anonymous_id, EXCLUDED.anonymous_id),
    last_fbc = CASE
      WHEN EXCLUDED.last_fbc IS NULL THEN v.last_fbc
      WHEN $13::boolean AND v.last_fbclid = EXCLUDED.last_fbclid THEN v.last_fbc
      ELSE EXCLUDED.last_fbc END,
    last_fbclid = COALESCE(EXCLUDED.last_fbclid, v.last_fbclid),
    first_fbc = COALESCE(v.first_fbc, EXCLUDED.first_fbc),
    first_fbc_at = CASE WHEN v.first_fbc IS NULL THEN EXCLUDED.first_fbc_at ELSE v.first_fbc_at END,
    first_fbp = COALESCE(v.first_fbp, EXCLUDED.first_fbp),
    first_ip = COALESCE(v.first_ip, EXCLUDED.first_ip),
    first_user_agent = COALESCE(v.first_user_agent, EXCLUDED.first_user_agent),
    last_ip = COALESCE(EXCLUDED.last_ip, v.last_ip),
    last_user_agent = COALESCE(EXCLUDED.last_user_agent, v.last_user_agent),
    consent = COALESCE(EXCLUDED.consent, v.consent),
    first_seen_at = LEAST(v.first_seen_at, EXCLUDED.first_seen_at),
    last_seen_at = GREATEST(v.last_seen_at, EXCLUDED.last_seen_at),
    updated_at = now()
  RETURNING v.id, v.last_fbc
)
INSERT INTO touchpoints (id, visitor_id, event_name, event_id, occurred_at, source, url, referrer,
  utm_source, utm_medium, utm_campaign, utm_term, utm_content, utm_id,
  fbclid, gclid, gbraid, wbraid, ttclid, msclkid, li_fat_id, has_campaign,
  fbc, fbc_created_at, fbp, ip, user_agent, consent, is_bot, bot_reason, properties)
SELECT $14, visitor.id, $15, $16, $11, $17, $18, $19,
  $20, $21, $22, $23, $24, $25,
  $26, $27, $28, $29, $30, $31, $32, $33,
  CASE WHEN $4::text IS NULL THEN NULL ELSE visitor.last_fbc END,
  CASE WHEN $4::text IS NULL THEN NULL
       WHEN visitor.last_fbc = $4::text THEN $5::timestamptz
       ELSE to_timestamp(split_part(visitor.last_fbc, '.', 3)::bigint / 1000.0) END,
  $7, $8, $9, $10, $34, $35, $36
FROM visitor
RETURNING id, (SELECT last_fbc FROM visitor) AS fbc`;

@Injectable()
export class TouchpointRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Stores the touchpoint (creating the visitor if needed). Throws VisitorErasedError for an erased id. */
  async record(tp: NewTouchpoint): Promise<RecordedTouchpoint> {
    const c = tp.campaign;
    const result = await this.pool.query<{ id: string; fbc: string | null }>({
      name: 'record_touchpoint',
      text: RECORD_TOUCHPOINT_SQL,
      values: [
        tp.visitorId,
        tp.externalId,
        tp.anonymousId ?? null,
        tp.fbc ?? null,
        tp.fbcCreatedAt ?? null,
        tp.fbclid ?? null,
        tp.fbp ?? null,
        tp.ip ?? null,
        tp.userAgent ?? null,
        tp.consent ? JSON.stringify(tp.consent) : null,
        tp.occurredAt,
        tp.externalIdHash,
        tp.fbcBuilt,
        tp.id,
        tp.eventName,
        tp.eventId,
        tp.source,
        tp.url,
        tp.referrer ?? null,
        c.utm_source ?? null,
        c.utm_medium ?? null,
        c.utm_campaign ?? null,
        c.utm_term ?? null,
        c.utm_content ?? null,
        c.utm_id ?? null,
        c.fbclid ?? null,
        c.gclid ?? null,
        c.gbraid ?? null,
        c.wbraid ?? null,
        c.ttclid ?? null,
        c.msclkid ?? null,
        c.li_fat_id ?? null,
        tp.hasCampaign,
        tp.isBot,
        tp.botReason ?? null,
        tp.properties ? JSON.stringify(tp.properties) : null,
      ],
    });
    if (result.rowCount === 0) throw new VisitorErasedError();
    const row = result.rows[0];
    return { touchpointId: row.id, externalId: tp.externalId, fbc: tp.fbc ? row.fbc : null };
  }
}
