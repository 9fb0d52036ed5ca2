import { Inject, Injectable } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { PG_POOL } from './pg-pool';

/** The Postgres channel a stored webhook notifies (on commit) so the relay queues its changes at once. */
export const LIFECYCLE_PENDING_CHANNEL = 'lifecycle_pending';
export const NOTIFY_LIFECYCLE_PENDING = `SELECT pg_notify('${LIFECYCLE_PENDING_CHANNEL}', '')`;

/**
 * The outbox side of the inbox: pending lifecycle events not yet on the queue. Rows are claimed with
 * FOR UPDATE SKIP LOCKED so several workers can relay at once without handing out the same row, and are
 * marked enqueued (with the id of the job carrying them) only after the queue accepted them. A crash in
 * between re-relays them in a new job; the worker skips events already finished, so that costs a lookup,
 * not a second CAPI event. A job id carries its first event's enqueue_count, so an event re-pended later (an
 * unjoined event whose identity arrived) goes in a new job rather than colliding with the finished one.
 */
export interface RelayedEvent {
  id: string;
  jobId: string;
}

/** One lifecycle job: the events it carries. */
export interface RelayedJob {
  jobId: string;
  ids: string[];
}

/**
 * The relay's claims of stored work and the reconciler's look at it. Raw SQL: FOR UPDATE SKIP LOCKED claims, set-wise
 * updates and interval arithmetic have no Prisma equivalent.
 */
@Injectable()
export class LifecycleRelayRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Calls `onPending` on each NOTIFY of a stored change, on one connection kept out of the pool. Returns a
   * stop function. A lost connection (Postgres restarted) is reported through `onLost` and not retried
   * here: the caller listens again on its next pass, and polls meanwhile.
   */
  async listenForPending(
    onPending: () => void,
    onLost: (error: Error) => void,
  ): Promise<() => Promise<void>> {
    const client: PoolClient = await this.pool.connect();
    let released = false;
    const release = (error?: Error) => {
      if (released) return;
      released = true;
      client.removeListener('notification', onPending);
      client.release(error ?? true); // never back into the pool: it still LISTENs
    };
    client.on('notification', onPending);
    client.once('error', (error: Error) => {
      release(error);
      onLost(error);
    });
    try {
      await client.query(`LISTEN ${LIFECYCLE_PENDING_CHANNEL}`);
    } catch (error) {
      release(error as Error);
      throw error;
    }
    return async () => {
      if (released) return;
      await client.query(`UNLISTEN ${LIFECYCLE_PENDING_CHANNEL}`).catch(() => undefined);
      release();
    };
  }

  async relayBatch(
    limit: number,
    perJob: number,
    enqueue: (jobs: RelayedJob[]) => Promise<void>,
  ): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ id: string; enqueue_count: number }>(
        `SELECT id, enqueue_count FROM lifecycle_events WHERE status = 'pending' AND enqueued_at IS NULL
         ORDER BY created_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length) {
        const jobs: RelayedJob[] = [];
        for (let i = 0; i < rows.length; i += perJob) {
          const chunk = rows.slice(i, i + perJob);
          jobs.push({
            jobId: `${chunk[0].id}-${chunk[0].enqueue_count + 1}`,
            ids: chunk.map((row) => row.id),
          });
        }
        await enqueue(jobs);
        await client.query(
          `UPDATE lifecycle_events e SET enqueued_at = now(), enqueue_count = enqueue_count + 1, job_id = j.job_id,
             updated_at = now()
           FROM unnest($1::uuid[], $2::text[]) AS j(id, job_id) WHERE e.id = j.id`,
          [jobs.flatMap((job) => job.ids), jobs.flatMap((job) => job.ids.map(() => job.jobId))],
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
    const { rows } = await this.pool.query<{ id: string; enqueue_count: number; job_id: string | null }>(
      `SELECT id, enqueue_count, job_id FROM lifecycle_events
       WHERE status = 'pending' AND enqueued_at < now() - make_interval(secs => $1 / 1000.0)
       ORDER BY enqueued_at LIMIT $2`,
      [olderThanMs, limit],
    );
    // Rows relayed before jobs carried batches have no job_id: their job id was event id + enqueue count.
    return rows.map((row) => ({ id: row.id, jobId: row.job_id ?? `${row.id}-${row.enqueue_count}` }));
  }

  /** Hands events whose job vanished (a Redis that lost its data) back to the relay. */
  async repend(ids: string[]): Promise<void> {
    if (!ids.length) return;
    await this.pool.query(
      `UPDATE lifecycle_events SET enqueued_at = NULL, updated_at = now() WHERE id = ANY($1::uuid[]) AND status = 'pending'`,
      [ids],
    );
  }

  /** Dispatches still queued a while after their last change: their dispatch job should exist. */
  async staleQueuedDispatches(
    olderThanMs: number,
    limit: number,
  ): Promise<{ id: string; platform: string; destination: string; jobId: string }[]> {
    const { rows } = await this.pool.query<{
      id: string;
      platform: string;
      destination: string;
      job_id: string | null;
    }>(
      `SELECT id, platform, destination, job_id FROM dispatches
       WHERE status = 'queued' AND updated_at < now() - make_interval(secs => $1 / 1000.0)
       ORDER BY updated_at LIMIT $2`,
      [olderThanMs, limit],
    );
    // Events queued before dispatch jobs carried batches have no job_id: their job id was the event id.
    return rows.map((row) => ({
      id: row.id,
      platform: row.platform,
      destination: row.destination,
      jobId: row.job_id ?? row.id,
    }));
  }

  /**
   * Hands still-queued dispatches whose job is gone to a new dispatch job; returns those it took. Only rows
   * still carried by the job found gone: with several workers, another one's reconciler may have handed them
   * to a job of its own a moment ago, and two live jobs for one event can send it twice (each worker's
   * dispatcher reads it `queued`).
   */
  async reassignDispatchJob(gone: { id: string; jobId: string }[], jobId: string): Promise<string[]> {
    const { rows } = await this.pool.query<{ id: string }>(
      `UPDATE dispatches d SET job_id = $3, updated_at = now()
       FROM unnest($1::uuid[], $2::text[]) AS g(id, job_id)
       WHERE d.id = g.id AND d.status = 'queued' AND COALESCE(d.job_id, d.id::text) = g.job_id
       RETURNING d.id`,
      [gone.map((row) => row.id), gone.map((row) => row.jobId), jobId],
    );
    return rows.map((row) => row.id);
  }
}
