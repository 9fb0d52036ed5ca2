import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from './pg-pool';

/** One record's stage field, as the sweep asks about it. */
export interface ReconciledRecord {
  objectType: string;
  objectId: string;
  stageField: string;
}

/** A record's stage field and the stage most recently stored for it. */
export interface StoredStage extends ReconciledRecord {
  stage: string;
}

/**
 * The reconciliation sweep's state: a cursor per CRM and record kind (crm_reconcile_cursors), and what is
 * already stored about the records a sweep finds. The changes themselves are stored through
 * WebhookInboxRepository.store, the webhooks' own path. Raw SQL: upserts with a forward-only cursor (GREATEST) and
 * DISTINCT ON per record, which Prisma cannot express.
 */
@Injectable()
export class CrmReconcileRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async cursor(provider: string, objectType: string): Promise<Date | undefined> {
    const { rows } = await this.pool.query<{ cursor: Date }>(
      'SELECT cursor FROM crm_reconcile_cursors WHERE provider = $1 AND object_type = $2',
      [provider, objectType],
    );
    return rows[0]?.cursor;
  }

  /** Moves the cursor forward only: a backfill from further back never rewinds the schedule's sweep. */
  async advance(provider: string, objectType: string, to: Date): Promise<void> {
    await this.pool.query(
      `INSERT INTO crm_reconcile_cursors (provider, object_type, cursor, updated_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (provider, object_type) DO UPDATE
       SET cursor = GREATEST(crm_reconcile_cursors.cursor, EXCLUDED.cursor), updated_at = now()`,
      [provider, objectType, to],
    );
  }

  /**
   * The stage most recently stored for each record's stage field (by change time); records with nothing
   * stored are absent.
   */
  async latestStages(provider: string, records: ReconciledRecord[]): Promise<StoredStage[]> {
    if (!records.length) return [];
    const { rows } = await this.pool.query<{
      object_type: string;
      object_id: string;
      stage_field: string;
      stage: string;
    }>(
      `SELECT DISTINCT ON (e.object_type, e.object_id, e.stage_field) e.object_type, e.object_id, e.stage_field, e.stage
       FROM lifecycle_events e
       JOIN jsonb_to_recordset($2::jsonb) AS r(object_type text, object_id text, stage_field text)
         ON e.object_type = r.object_type AND e.object_id = r.object_id AND e.stage_field = r.stage_field
       WHERE e.provider = $1
       ORDER BY e.object_type, e.object_id, e.stage_field, e.occurred_at DESC, e.created_at DESC`,
      [
        provider,
        JSON.stringify(
          records.map((r) => ({
            object_type: r.objectType,
            object_id: r.objectId,
            stage_field: r.stageField,
          })),
        ),
      ],
    );
    return rows.map((row) => ({
      objectType: row.object_type,
      objectId: row.object_id,
      stageField: row.stage_field,
      stage: row.stage,
    }));
  }
}
