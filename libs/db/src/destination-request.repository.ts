import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from './pg-pool';

export interface ProcessingError {
  reason: string;
  count: number;
}

/**
 * What platforms that process later (Google) did with requests they accepted, read back and recorded on the
 * request. Raw SQL: interval arithmetic on created_at and NULLS FIRST ordering, simpler than Prisma's filters.
 */
@Injectable()
export class DestinationRequestRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Accepted requests of a platform that processes later, whose outcome has not been read back (a day at most). */
  async requestsAwaitingProcessing(
    platform: string,
    limit: number,
  ): Promise<{ id: string; traceId: string }[]> {
    const { rows } = await this.pool.query<{ id: string; trace_id: string }>(
      `SELECT id, trace_id FROM destination_requests
       WHERE platform = $1 AND outcome = 'accepted' AND trace_id IS NOT NULL
         AND (processing_status IS NULL OR processing_status = 'PROCESSING')
         AND created_at > now() - interval '1 day' AND created_at < now() - interval '30 seconds'
       ORDER BY processing_checked_at NULLS FIRST, created_at LIMIT $2`,
      [platform, limit],
    );
    return rows.map((row) => ({ id: row.id, traceId: row.trace_id }));
  }

  async recordProcessing(requestId: string, status: string, errors: ProcessingError[]): Promise<void> {
    await this.pool.query(
      `UPDATE destination_requests SET processing_status = $2, processing_errors = $3, processing_checked_at = now()
       WHERE id = $1`,
      [requestId, status.slice(0, 32), JSON.stringify(errors)],
    );
  }
}
