import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from './pg-pool';

/**
 * The outbox side of the inbox: pending lifecycle events not yet on the queue. Rows are claimed with
 * FOR UPDATE SKIP LOCKED so several workers can relay at once without handing out the same row, and are
 * marked enqueued only after the queue accepted them (a crash in between re-enqueues the same job id,
 * which BullMQ ignores).
 */
@Injectable()
export class LifecycleRelayRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async relayBatch(limit: number, enqueue: (ids: string[]) => Promise<void>): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string }>(
        `SELECT id FROM lifecycle_events WHERE status = 'pending' AND enqueued_at IS NULL
         ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length) {
        const ids = rows.map((row) => row.id);
        await enqueue(ids);
        await client.query(
          'UPDATE lifecycle_events SET enqueued_at = now(), updated_at = now() WHERE id = ANY($1::uuid[])',
          [ids],
        );
      }
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
