import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import type { JourneyRow, LifecycleEventRow } from './lifecycle-join.repository';
import { CrmLink, linkCrmRecords } from './crm-links';
import { PG_POOL } from './pg-pool';

/** What one statement learns about each event of a batch: the first join steps, answered set-wise. */
export interface QuickJoinRow {
  id: string;
  /** A CRM record of the change carries an erasure tombstone. */
  crm_record_erased: boolean;
  /** The external_id in the payload carries an erasure tombstone. */
  external_id_erased: boolean;
  by_external_id: string | null;
  by_crm_link: string | null;
}

/**
 * A journey plus its attribution candidates (first/last campaign touch, first touch of all), and the visitors
 * the identity graph links to it. Touches and links are filled for the visitors asked for only; a linked
 * visitor's own row comes without them.
 */
export interface JourneyWithTouches extends JourneyRow {
  first_touch: Record<string, unknown> | null;
  last_touch: Record<string, unknown> | null;
  direct_touch: Record<string, unknown> | null;
  /** Linked visitors, the most recently seen first (at most LINKED_VISITORS_FETCHED). */
  linked_visitor_ids: string[];
}

/** Candidates fetched per joined visitor; the choosing rules (libs/destinations) take at most 20 of them. */
const LINKED_VISITORS_FETCHED = 20;
/** Click ids fetched per visitor, newest first (the builders take the latest per platform before the event). */
const CLICK_IDS_FETCHED = 30;
/** Neighbours followed per visitor and hop (two hops: its links, then theirs). */
const LINK_FAN_OUT = 50;

/**
 * The visitors sharing an email or phone hash, or a CRM contact, with the visitor in `column`. Two hops are
 * written out rather than a recursive CTE: Postgres cannot estimate a recursive one and guesses a cost high
 * enough to JIT-compile the statement, which costs ~100 ms per batch.
 */
const neighbours = (column: string) => `(
  (SELECT other.visitor_id FROM visitor_identities mine
    JOIN identities i ON i.id = mine.identity_id AND i.key_type IN ('em', 'ph')
    JOIN visitor_identities other ON other.identity_id = i.id AND other.visitor_id <> ${column}
    WHERE mine.visitor_id = ${column} LIMIT ${LINK_FAN_OUT})
  UNION
  (SELECT other.visitor_id FROM crm_links mine
    JOIN crm_links other ON other.provider = mine.provider AND other.object_type = mine.object_type
      AND other.crm_id = mine.crm_id AND other.visitor_id <> ${column}
    WHERE mine.visitor_id = ${column} AND mine.object_type = 'contact' LIMIT ${LINK_FAN_OUT}))`;

export interface LifecycleOutcome {
  id: string;
  status: string;
  statusReason?: string | null;
  visitorId?: string;
  joinMethod?: string;
  eventId?: string;
  /** What the built event left out and why; kept as it was when undefined. */
  note?: string | null;
}

/** What the CRM's API told about a change's record: its pipeline, value, lead id, and the event it maps to. */
export interface LifecycleCrmFacts {
  id: string;
  pipeline: string | null;
  eventName: string | null;
  value: number | null;
  currency: string | null;
  leadId: string | null;
}

// The event's CRM records as a JSON array, whatever the hints hold.
const CRM_RECORDS = `CASE WHEN jsonb_typeof(e.hints->'crm_records') = 'array' THEN e.hints->'crm_records' ELSE '[]' END`;

const TOUCH_COLUMNS = `occurred_at, url, utm_source, utm_medium, utm_campaign, utm_term, utm_content, utm_id,
  fbclid, gclid, gbraid, wbraid, ttclid, msclkid, li_fat_id`;

// Candidates for the attribution rule (libs/journey `attribute` chooses), of the joined visitors only ($1): a
// linked visitor's are not sent. Fetched as the earliest/latest campaign touch and the earliest touch of all.
const touch = (where: string, order: 'ASC' | 'DESC') =>
  `CASE WHEN v.id = ANY($1::uuid[]) THEN (SELECT to_jsonb(t) FROM (SELECT ${TOUCH_COLUMNS} FROM touchpoints
    WHERE visitor_id = v.id ${where} ORDER BY occurred_at ${order} LIMIT 1) t) END`;

/**
 * The lifecycle worker's statements for a whole batch of events at once: the join's first steps, the journey
 * fetch, outcomes; a handful of round trips per batch instead of ~10 per event. Raw SQL: unnest, lateral joins
 * and the two-hop identity graph are what make one statement per batch possible (Prisma would need one per event).
 */
@Injectable()
export class LifecycleBatchRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async events(ids: string[]): Promise<LifecycleEventRow[]> {
    const { rows } = await this.pool.query<LifecycleEventRow>(
      'SELECT * FROM lifecycle_events WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return rows;
  }

  /**
   * Tombstones, external_id and linked CRM records for every event (hashes as sha256Hex computes them). The
   * LATERAL lookups (OFFSET 0 keeps the planner from flattening them) stay on their indexes: joined to a
   * set-returning function, the planner would guess 100 records per event and scan whole tables.
   */
  async quickJoin(ids: string[]): Promise<QuickJoinRow[]> {
    const { rows } = await this.pool.query<QuickJoinRow>(
      `SELECT e.id,
         EXISTS (SELECT 1 FROM jsonb_array_elements(${CRM_RECORDS}) r, LATERAL (
           SELECT 1 FROM erasure_tombstones t WHERE t.key_type = e.provider || ':' || (r->>'object_type')
             AND t.key_hash = encode(sha256(convert_to(r->>'id', 'UTF8')), 'hex')::char(64) OFFSET 0) t) AS crm_record_erased,
         EXISTS (SELECT 1 FROM erasure_tombstones t WHERE t.key_type = 'external_id'
           AND t.key_hash = encode(sha256(convert_to(e.hints->>'external_id', 'UTF8')), 'hex')::char(64)) AS external_id_erased,
         (SELECT v.id FROM visitors v WHERE v.external_id = e.hints->>'external_id') AS by_external_id,
         (SELECT v.id FROM jsonb_array_elements(${CRM_RECORDS}) r, LATERAL (
           SELECT l.visitor_id FROM crm_links l
           WHERE l.provider = e.provider AND l.object_type = r->>'object_type' AND l.crm_id = r->>'id' OFFSET 0) l
           JOIN visitors v ON v.id = l.visitor_id ORDER BY v.last_seen_at DESC LIMIT 1) AS by_crm_link
       FROM lifecycle_events e WHERE e.id = ANY($1::uuid[])`,
      [ids],
    );
    return rows;
  }

  /** Remembers the CRM records of joined events, so the next change for them joins directly. */
  linkCrmRecords(links: CrmLink[]): Promise<void> {
    return linkCrmRecords(this.pool, links);
  }

  /**
   * Journey facts of several visitors with their attribution touches, and of the visitors the identity graph
   * links to them (same email or phone hash, same CRM contact; two hops), in one statement:
   * a row per visitor, each joined one listing its linked ones, the most recently seen first.
   */
  async journeys(visitorIds: string[]): Promise<JourneyWithTouches[]> {
    const { rows } = await this.pool.query<JourneyWithTouches>(
      `WITH roots AS (SELECT DISTINCT unnest($1::uuid[]) AS root),
       hop1 AS (SELECT r.root, n.visitor_id FROM roots r CROSS JOIN LATERAL ${neighbours('r.root')} n),
       hop2 AS (SELECT h.root, n.visitor_id FROM hop1 h CROSS JOIN LATERAL ${neighbours('h.visitor_id')} n),
       graph AS (SELECT root, visitor_id FROM hop1 UNION SELECT root, visitor_id FROM hop2),
       linked AS (
         SELECT root, visitor_id, last_seen_at FROM (
           SELECT l.root, l.visitor_id, v.last_seen_at,
             row_number() OVER (PARTITION BY l.root ORDER BY v.last_seen_at DESC, v.id) AS n
           FROM (SELECT DISTINCT root, visitor_id FROM graph WHERE visitor_id <> root) l
           JOIN visitors v ON v.id = l.visitor_id) ranked
         WHERE n <= ${LINKED_VISITORS_FETCHED}
       )
       SELECT v.id AS visitor_id, v.external_id, v.first_fbc, v.first_fbc_at, v.first_fbp, host(v.first_ip) AS first_ip,
         v.first_user_agent, v.consent, v.last_seen_at,
         (SELECT f.lead_id FROM form_submissions f WHERE f.visitor_id = v.id AND f.lead_id IS NOT NULL
          ORDER BY f.submitted_at DESC LIMIT 1) AS lead_id,
         COALESCE((SELECT json_agg(DISTINCT jsonb_build_object('key_type', i.key_type, 'hash', i.hash))
          FROM visitor_identities vi JOIN identities i ON i.id = vi.identity_id WHERE vi.visitor_id = v.id), '[]') AS hashes,
         COALESCE((SELECT array_agg(t.is_bot) FROM touchpoints t WHERE t.visitor_id = v.id), '{}') AS bots,
         COALESCE((SELECT json_agg(json_build_object('type', c.type, 'value', c.value, 'at', c.at) ORDER BY c.at DESC)
           FROM (SELECT x.type, x.value, t.occurred_at AS at FROM touchpoints t
             CROSS JOIN LATERAL (VALUES ('gclid', t.gclid), ('gbraid', t.gbraid), ('wbraid', t.wbraid),
               ('ttclid', t.ttclid), ('msclkid', t.msclkid), ('li_fat_id', t.li_fat_id)) AS x(type, value)
             WHERE t.visitor_id = v.id AND t.has_campaign AND x.value IS NOT NULL
             ORDER BY t.occurred_at DESC LIMIT ${CLICK_IDS_FETCHED}) c), '[]') AS click_ids,
         ${touch('AND has_campaign', 'ASC')} AS first_touch,
         ${touch('AND has_campaign', 'DESC')} AS last_touch,
         ${touch('', 'ASC')} AS direct_touch,
         COALESCE((SELECT array_agg(l.visitor_id ORDER BY l.last_seen_at DESC, l.visitor_id) FROM linked l
           WHERE l.root = v.id), '{}') AS linked_visitor_ids
       -- A union of ids joined by key: "id = ANY(...) OR id IN (linked)" would scan every visitor.
       FROM (SELECT unnest($1::uuid[]) AS id UNION SELECT visitor_id FROM linked) ids
       JOIN visitors v ON v.id = ids.id`,
      [[...new Set(visitorIds)]],
    );
    return rows;
  }

  /** Records what the CRM's API told about each event (so a retry and the journey view see the same). */
  async saveCrmFacts(facts: LifecycleCrmFacts[]): Promise<void> {
    if (!facts.length) return;
    await this.pool.query(
      `UPDATE lifecycle_events e SET pipeline = u.pipeline, event_name = u.event_name, value = u.value,
         currency = u.currency, lead_id = u.lead_id, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::numeric[], $5::text[], $6::text[])
         AS u(id, pipeline, event_name, value, currency, lead_id)
       WHERE e.id = u.id`,
      [
        facts.map((fact) => fact.id),
        facts.map((fact) => fact.pipeline),
        facts.map((fact) => fact.eventName),
        facts.map((fact) => fact.value),
        facts.map((fact) => fact.currency),
        facts.map((fact) => fact.leadId?.slice(0, 64) ?? null),
      ],
    );
  }

  /** Every event's outcome in one statement; only events still in one of the `from` statuses change (counted). */
  async setOutcomes(outcomes: LifecycleOutcome[], from = ['pending', 'queued']): Promise<number> {
    if (!outcomes.length) return 0;
    const { rowCount } = await this.pool.query(
      `UPDATE lifecycle_events e SET status = u.status, status_reason = u.status_reason,
         visitor_id = COALESCE(u.visitor_id, e.visitor_id), join_method = COALESCE(u.join_method, e.join_method),
         event_id = COALESCE(u.event_id, e.event_id), note = CASE WHEN u.keep_note THEN e.note ELSE u.note END,
         updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $8::text[], $9::boolean[])
         AS u(id, status, status_reason, visitor_id, join_method, event_id, note, keep_note)
       WHERE e.id = u.id AND e.status = ANY($7::text[])`,
      [
        outcomes.map((outcome) => outcome.id),
        outcomes.map((outcome) => outcome.status),
        outcomes.map((outcome) => outcome.statusReason ?? null),
        outcomes.map((outcome) => outcome.visitorId ?? null),
        outcomes.map((outcome) => outcome.joinMethod ?? null),
        outcomes.map((outcome) => outcome.eventId ?? null),
        from,
        outcomes.map((outcome) => outcome.note?.slice(0, 500) ?? null),
        outcomes.map((outcome) => outcome.note === undefined),
      ],
    );
    return rowCount ?? 0;
  }
}
