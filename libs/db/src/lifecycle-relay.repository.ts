import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from './pg-pool';

/**
 * The outbox side of the inbox: pending lifecycle events not yet on the queue. Rows are claimed with
 * FOR UPDATE SKIP LOCKED so several workers can relay at once without handing out the same row, and are
 * marked enqueued only after the queue accepted them (a crash in between re-enqueues the same job id,
 * which BullMQ ignores). The job id carries enqueue_count, so an event re-pended later (an unjoined event
 * whose identity arrived) becomes a new job rather than colliding with the finished one.
 */
export interface RelayedEvent {
  id: string;
  jobId: string;
}

@Injectable()
export class LifecycleRelayRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async relayBatch(limit: number, enqueue: (jobs: RelayedEvent[]) => Promise<void>): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string; enqueue_count: number }>(
        `SELECT id, enqueue_count FROM lifecycle_events WHERE status = 'pending' AND enqueued_at IS NULL
         ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length) {
        await enqueue(rows.map((row) => ({ id: row.id, jobId: `${row.id}-${row.enqueue_count + 1}` })));
        await client.query(
          `UPDATE lifecycle_events SET enqueued_at = now(), enqueue_count = enqueue_count + 1, updated_at = now()
           WHERE id = ANY($1::uuid[])`,
          [rows.map((row) => row.id)],
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

  /** Pending events queued a while ago: their job should exist; the reconciler checks and re-pends if not. */
  async staleEnqueued(olderThanMs: number, limit: number): Promise<RelayedEvent[]> {
    const { rows } = await this.pool.query<{ id: string; enqueue_count: number }>(
      `SELECT id, enqueue_count FROM lifecycle_events
       WHERE status = 'pending' AND enqueued_at < now() - make_interval(secs => $1 / 1000.0)
       ORDER BY enqueued_at LIMIT $2`,
      [olderThanMs, limit],
    );
    return rows.map((row) => ({ id: row.id, jobId: `${row.id}-${row.enqueue_count}` }));
  }

  /** Hands events whose job vanished (a Redis that lost its data) back to the relay. */
  async repend(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.pool.query(
      `UPDATE lifecycle_events SET enqueued_at = NULL, updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
      [ids],
    );
  }

  /** CAPI events still queued a while after their last change: their dispatch job should exist. */
  async staleQueuedCapiEvents(
    olderThanMs: number,
    limit: number,
  ): Promise<{ id: string; destination: string }[]> {
    const { rows } = await this.pool.query<{ id: string; destination: string }>(
      `SELECT id, destination FROM capi_events WHERE status = 'queued' AND updated_at < now() - make_interval(secs => $1 / 1000.0)
       ORDER BY updated_at LIMIT $2`,
      [olderThanMs, limit],
    );
    return rows;
  }
}
