import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { NOTIFY_LIFECYCLE_PENDING } from './lifecycle-relay.repository';
import { PG_POOL } from './pg-pool';
import type { ChangeSource, StoredLifecycleChange } from '@app/crm';

export interface InboxDelivery {
  provider: string;
  tenant?: string;
  scheme: string;
  eventCount: number;
  bodySha256: string;
  /** Marks every change of the delivery (lifecycle_events.source); a webhook's when absent. */
  source?: ChangeSource;
}

/** One stored lifecycle change (the same row whether a webhook or the reconciliation sweep found it). */
export type InboxLifecycleEvent = StoredLifecycleChange;

/** Who a CRM record is, revealed by a delivery (hashes only): links it and re-pends its unjoined changes. */
export interface InboxIdentity {
  provider: string;
  tenant: string;
  crmRecords: { objectType: string; id: string }[];
  externalId?: string;
  emailHashes: string[];
  phoneHashes: string[];
}

export interface StoredDelivery {
  deliveryId: string;
  stored: number;
  duplicates: number;
  /** CRM records newly linked to a visitor by a revealed external_id. */
  linked: number;
  /** Unjoined lifecycle events handed back to the relay because their identity arrived. */
  repended: number;
}

// An event's CRM records as a JSON array, whatever its hints hold.
const EVENT_RECORDS = `CASE WHEN jsonb_typeof(e.hints->'crm_records') = 'array' THEN e.hints->'crm_records' ELSE '[]' END`;
// The union of an event's hashes of one kind and the revealed ones.
const unionHashes = (key: string) =>
  `(SELECT COALESCE(jsonb_agg(DISTINCT h), '[]'::jsonb) FROM jsonb_array_elements(
     CASE WHEN jsonb_typeof(e.hints->'${key}') = 'array' THEN e.hints->'${key}' ELSE '[]' END || r.${key}) h)`;

/**
 * The webhook inbox: a verified delivery and its lifecycle events are written in one transaction before the
 * CRM gets its acknowledgement. Re-delivered changes hit the (provider, dedupe_key) unique key and are
 * counted as duplicates instead of stored twice.
 */
@Injectable()
export class WebhookInboxRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async store(
    delivery: InboxDelivery,
    events: InboxLifecycleEvent[],
    identities: InboxIdentity[] = [],
  ): Promise<StoredDelivery> {
    const deliveryId = randomUUID();
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO webhook_deliveries (id, provider, tenant, scheme, event_count, change_count, duplicate_count, body_sha256)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7)`,
        [
          deliveryId,
          delivery.provider,
          delivery.tenant ?? null,
          delivery.scheme,
          delivery.eventCount,
          events.length,
          delivery.bodySha256,
        ],
      );
      let stored = 0;
      if (events.length) {
        const inserted = await client.query(
          `INSERT INTO lifecycle_events (id, delivery_id, provider, tenant, dedupe_key, object_type, object_id, pipeline,
             stage_field, stage, won, event_name, status, status_reason, occurred_at, value, currency, lead_id, hints, source)
           SELECT e.id, $1, e.provider, e.tenant, e.dedupe_key, e.object_type, e.object_id, e.pipeline, e.stage_field,
             e.stage, e.won, e.event_name, e.status, e.status_reason, e.occurred_at, e.value, e.currency, e.lead_id, e.hints,
             $3
           FROM jsonb_to_recordset($2::jsonb) AS e(id uuid, provider text, tenant text, dedupe_key text,
             object_type text, object_id text, pipeline text, stage_field text, stage text, won boolean,
             event_name text, status text, status_reason text, occurred_at timestamptz, value numeric,
             currency text, lead_id text, hints jsonb)
           ON CONFLICT (provider, dedupe_key) DO NOTHING`,
          [deliveryId, JSON.stringify(events.map(toRecord)), delivery.source ?? 'webhook'],
        );
        stored = inserted.rowCount ?? 0;
        if (stored < events.length) {
          await client.query('UPDATE webhook_deliveries SET duplicate_count = $2 WHERE id = $1', [
            deliveryId,
            events.length - stored,
          ]);
        }
      }
      const { linked, repended } = await this.applyIdentities(client, identities);
      // Wakes the worker's relay when this commits (Postgres delivers a NOTIFY only on commit), so a change
      // is queued within milliseconds instead of at the relay's next poll.
      if (stored || repended) await client.query(NOTIFY_LIFECYCLE_PENDING);
      await client.query('COMMIT');
      return { deliveryId, stored, duplicates: events.length - stored, linked, repended };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /**
   * A revealed external_id links the records to its visitor (unless a record was erased); every unjoined
   * change of the same CRM account naming one of the records goes back to `pending` with the revealed
   * external_id and hashes added to its hints, so the relay queues it and the whole join runs again. Two
   * identities in one delivery matching the same change: one of them is merged (both re-pend it).
   */
  private async applyIdentities(
    client: PoolClient,
    identities: InboxIdentity[],
  ): Promise<{ linked: number; repended: number }> {
    if (!identities.length) return { linked: 0, repended: 0 };
    const links = identities.flatMap((identity) =>
      identity.externalId
        ? identity.crmRecords.map((record) => ({
            provider: identity.provider,
            object_type: record.objectType,
            crm_id: record.id,
            external_id: identity.externalId,
          }))
        : [],
    );
    const linked = links.length
      ? await client.query(
          `INSERT INTO crm_links (id, visitor_id, provider, object_type, crm_id)
           SELECT gen_random_uuid(), v.id, r.provider, r.object_type, r.crm_id
           FROM jsonb_to_recordset($1::jsonb) AS r(provider text, object_type text, crm_id text, external_id text)
           JOIN visitors v ON v.external_id = r.external_id
           WHERE NOT EXISTS (SELECT 1 FROM erasure_tombstones t WHERE t.key_type = r.provider || ':' || r.object_type
             AND t.key_hash = encode(sha256(convert_to(r.crm_id, 'UTF8')), 'hex')::char(64))
           ON CONFLICT (provider, object_type, crm_id, visitor_id) DO NOTHING`,
          [JSON.stringify(links)],
        )
      : { rowCount: 0 };
    const repended = await client.query(
      `WITH r AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(provider text, tenant text, crm_records jsonb,
           external_id text, email_hashes jsonb, phone_hashes jsonb))
       UPDATE lifecycle_events e SET status = 'pending', status_reason = NULL, enqueued_at = NULL, updated_at = now(),
         hints = e.hints || jsonb_build_object(
           'external_id', COALESCE(to_jsonb(r.external_id), e.hints->'external_id'),
           'email_hashes', ${unionHashes('email_hashes')},
           'phone_hashes', ${unionHashes('phone_hashes')})
       FROM r
       WHERE e.status = 'unjoined' AND e.provider = r.provider AND e.tenant = r.tenant
         AND EXISTS (SELECT 1 FROM jsonb_array_elements(${EVENT_RECORDS}) er, jsonb_array_elements(r.crm_records) rr
           WHERE er->>'object_type' = rr->>'object_type' AND er->>'id' = rr->>'id')`,
      [
        JSON.stringify(
          identities.map((identity) => ({
            provider: identity.provider,
            tenant: identity.tenant,
            crm_records: identity.crmRecords.map((record) => ({
              object_type: record.objectType,
              id: record.id,
            })),
            external_id: identity.externalId ?? null,
            email_hashes: identity.emailHashes,
            phone_hashes: identity.phoneHashes,
          })),
        ),
      ],
    );
    return { linked: linked.rowCount ?? 0, repended: repended.rowCount ?? 0 };
  }
}

function toRecord(event: InboxLifecycleEvent) {
  return {
    id: randomUUID(),
    provider: event.provider,
    tenant: event.tenant,
    dedupe_key: event.dedupeKey,
    object_type: event.objectType,
    object_id: event.objectId,
    pipeline: event.pipeline ?? null,
    stage_field: event.stageField,
    stage: event.stage,
    won: event.won ?? null,
    event_name: event.eventName,
    status: event.status,
    status_reason: event.statusReason ?? null,
    occurred_at: event.occurredAt.toISOString(),
    value: event.value ?? null,
    currency: event.currency ?? null,
    lead_id: event.leadId?.slice(0, 64) ?? null,
    hints: event.hints,
  };
}
