import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { linkCrmRecords } from './crm-links';
import { PG_POOL } from './pg-pool';
import { VisitorErasedError } from './visitor-gone.error';

export interface CrmLinkInput {
  provider: 'hubspot' | 'salesforce' | 'gohighlevel';
  objectType: 'contact' | 'deal' | 'lead' | 'opportunity';
  crmId: string;
}

export interface NewFormSubmission {
  id: string;
  visitorId: string;
  externalId: string;
  externalIdHash: string;
  eventName: string;
  eventId: string;
  leadId?: string;
  /** Meta key type -> sha256 of the normalised value. Raw values never reach this layer. */
  hashes: Record<string, string>;
  /**
   * Other platforms' hashes of the same email/phone (em_google, ph_e164): stored as identities too, but not
   * in the submission's key_types (Meta's keys) and never used to link visitors or join lifecycle events.
   */
  platformHashes?: Record<string, string>;
  /** Values left out of the hashes, with why (never the value itself). */
  dropped: { field: string; reason: string }[];
  crmLinks: CrmLinkInput[];
  fields?: object;
  consent?: object;
  source: 'browser' | 'server';
  ip?: string;
  userAgent?: string;
  submittedAt: Date;
}

/**
 * Records a form: the visitor (created if new), its hashed identities, CRM links and the submission row. Raw SQL: the
 * visitor and identity upserts with ON CONFLICT in one transaction, fewer round trips than Prisma's upserts.
 */
@Injectable()
export class FormSubmissionRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async record(form: NewFormSubmission): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const visitorId = await this.upsertVisitor(client, form);
      await this.linkIdentities(client, visitorId, { ...form.hashes, ...form.platformHashes });
      await linkCrmRecords(
        client,
        form.crmLinks.map((link) => ({ visitorId, ...link })),
      );
      await client.query(
        `INSERT INTO form_submissions (id, visitor_id, event_name, event_id, lead_id, key_types, fields, consent,
           source, ip, user_agent, submitted_at, dropped)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        [
          form.id,
          visitorId,
          form.eventName,
          form.eventId,
          form.leadId ?? null,
          Object.keys(form.hashes),
          form.fields ? JSON.stringify(form.fields) : null,
          form.consent ? JSON.stringify(form.consent) : null,
          form.source,
          form.ip ?? null,
          form.userAgent ?? null,
          form.submittedAt,
          JSON.stringify(form.dropped),
        ],
      );
      await this.retryUnjoined(client, form);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** The visitor's country hint (lowercase ISO2), when the visitor exists and has one. */
  async countryHintOf(externalId: string): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ country_hint: string | null }>(
      'SELECT country_hint FROM visitors WHERE external_id = $1',
      [externalId],
    );
    return rows[0]?.country_hint ?? undefined;
  }

  /**
   * Lifecycle changes that found no journey are retried when a form brings what they were missing: the
   * external_id, one of their CRM records, or their email/phone hash. Re-pended, the relay queues them again.
   */
  private async retryUnjoined(client: PoolClient, form: NewFormSubmission) {
    const hashes = [form.hashes.em, form.hashes.ph].filter((hash): hash is string => !!hash);
    await client.query(
      `UPDATE lifecycle_events SET status = 'pending', status_reason = NULL, enqueued_at = NULL, updated_at = now()
       WHERE status = 'unjoined' AND (
         hints->>'external_id' = $1
         OR hints->'email_hashes' ?| $2::text[] OR hints->'phone_hashes' ?| $2::text[]
         OR EXISTS (SELECT 1 FROM jsonb_array_elements(hints->'crm_records') AS r
                    JOIN unnest($3::text[], $4::text[], $5::text[]) AS l(provider, object_type, crm_id)
                      ON l.provider = lifecycle_events.provider AND r->>'object_type' = l.object_type AND r->>'id' = l.crm_id))`,
      [
        form.externalId,
        hashes,
        form.crmLinks.map((link) => link.provider),
        form.crmLinks.map((link) => link.objectType),
        form.crmLinks.map((link) => link.crmId),
      ],
    );
  }

  private async upsertVisitor(client: PoolClient, form: NewFormSubmission): Promise<string> {
    const result = await client.query<{ id: string }>(
      `INSERT INTO visitors AS v (id, external_id, first_ip, first_user_agent, last_ip, last_user_agent, consent,
         first_seen_at, last_seen_at, updated_at)
       SELECT $1, $2, $3, $4, $3, $4, $5, $6, $6, now()
       WHERE NOT EXISTS (SELECT 1 FROM erasure_tombstones WHERE key_type = 'external_id' AND key_hash = $7)
       ON CONFLICT (external_id) DO UPDATE SET
         first_ip = COALESCE(v.first_ip, EXCLUDED.first_ip),
         first_user_agent = COALESCE(v.first_user_agent, EXCLUDED.first_user_agent),
         last_ip = COALESCE(EXCLUDED.last_ip, v.last_ip),
         last_user_agent = COALESCE(EXCLUDED.last_user_agent, v.last_user_agent),
         consent = COALESCE(EXCLUDED.consent, v.consent),
         last_seen_at = GREATEST(v.last_seen_at, EXCLUDED.last_seen_at),
         updated_at = now()
       RETURNING v.id`,
      [
        form.visitorId,
        form.externalId,
        form.ip ?? null,
        form.userAgent ?? null,
        form.consent ? JSON.stringify(form.consent) : null,
        form.submittedAt,
        form.externalIdHash,
      ],
    );
    if (result.rowCount === 0) throw new VisitorErasedError();
    return result.rows[0].id;
  }

  private async linkIdentities(client: PoolClient, visitorId: string, hashes: Record<string, string>) {
    const keyTypes = Object.keys(hashes);
    if (!keyTypes.length) return;
    const values = keyTypes.map((keyType) => hashes[keyType]);
    await client.query(
      `INSERT INTO identities (id, key_type, hash)
       SELECT * FROM unnest($1::uuid[], $2::varchar[], $3::char(64)[])
       ON CONFLICT (hash, key_type) DO NOTHING`,
      [keyTypes.map(() => randomUUID()), keyTypes, values],
    );
    await client.query(
      `INSERT INTO visitor_identities (visitor_id, identity_id)
       SELECT $1, i.id FROM identities i
       JOIN unnest($2::varchar[], $3::char(64)[]) AS k(key_type, hash) ON i.key_type = k.key_type AND i.hash = k.hash
       ON CONFLICT DO NOTHING`,
      [visitorId, keyTypes, values],
    );
  }
}
