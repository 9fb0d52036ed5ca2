import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from './pg-pool';

export interface InboxDelivery {
  provider: string;
  tenant?: string;
  scheme: string;
  eventCount: number;
  bodySha256: string;
}

export interface InboxLifecycleEvent {
  provider: string;
  tenant: string;
  dedupeKey: string;
  objectType: string;
  objectId: string;
  pipeline?: string;
  stageField: string;
  stage: string;
  won?: boolean;
  eventName: string | null;
  status: 'pending' | 'unmapped';
  statusReason?: string;
  occurredAt: Date;
  value?: number;
  currency?: string;
  /** A Meta Lead Ads lead id the CRM record carries (SALESFORCE_LEAD_ID_FIELD), as the CRM sent it. */
  leadId?: string;
  hints: object;
}

export interface StoredDelivery {
  deliveryId: string;
  stored: number;
  duplicates: number;
}

/**
 * The webhook inbox: a verified delivery and its lifecycle events are written in one transaction before the
 * CRM gets its acknowledgement. Re-delivered changes hit the (provider, dedupe_key) unique key and are
 * counted as duplicates instead of stored twice.
 */
@Injectable()
export class WebhookInboxRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async store(delivery: InboxDelivery, events: InboxLifecycleEvent[]): Promise<StoredDelivery> {
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
             stage_field, stage, won, event_name, status, status_reason, occurred_at, value, currency, lead_id, hints)
           SELECT e.id, $1, e.provider, e.tenant, e.dedupe_key, e.object_type, e.object_id, e.pipeline, e.stage_field,
             e.stage, e.won, e.event_name, e.status, e.status_reason, e.occurred_at, e.value, e.currency, e.lead_id, e.hints
           FROM jsonb_to_recordset($2::jsonb) AS e(id uuid, provider text, tenant text, dedupe_key text,
             object_type text, object_id text, pipeline text, stage_field text, stage text, won boolean,
             event_name text, status text, status_reason text, occurred_at timestamptz, value numeric,
             currency text, lead_id text, hints jsonb)
           ON CONFLICT (provider, dedupe_key) DO NOTHING`,
          [deliveryId, JSON.stringify(events.map(toRecord))],
        );
        stored = inserted.rowCount ?? 0;
        if (stored < events.length) {
          await client.query('UPDATE webhook_deliveries SET duplicate_count = $2 WHERE id = $1', [
            deliveryId,
            events.length - stored,
          ]);
        }
      }
      await client.query('COMMIT');
      return { deliveryId, stored, duplicates: events.length - stored };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
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
