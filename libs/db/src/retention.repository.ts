import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from './pg-pool';

// Raw SQL: a bounded DELETE (ids picked with LIMIT) is beyond Prisma's deleteMany.

/** The destinations' request audit table: its one mention here, so a rename is a one-line change. */
export const DESTINATION_REQUESTS_TABLE = 'destination_requests';

/**
 * Lifecycle statuses that may still change on their own (relay, join, dispatch, a pixel being configured).
 * A delivery is kept while any of its events is in one; any other status is final once past Meta's 7-day
 * window (an `unjoined` event re-pended that late would only expire).
 */
export const OPEN_LIFECYCLE_STATUSES = ['pending', 'queued', 'waiting_destination'] as const;

@Injectable()
export class RetentionRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /**
   * Deletes up to `limit` webhook deliveries received before `cutoff` whose lifecycle events are all final,
   * with those events and their CAPI events (cascade); returns how many deliveries went.
   */
  async deleteWebhookDeliveriesBefore(cutoff: Date, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM webhook_deliveries WHERE id IN (
         SELECT d.id FROM webhook_deliveries d
         WHERE d.received_at < $1
           AND NOT EXISTS (SELECT 1 FROM lifecycle_events e WHERE e.delivery_id = d.id AND e.status = ANY($2::text[]))
         LIMIT $3)`,
      [cutoff, OPEN_LIFECYCLE_STATUSES, limit],
    );
    return rowCount ?? 0;
  }

  /** Deletes up to `limit` destination requests made before `cutoff` (their events keep a null request). */
  async deleteDestinationRequestsBefore(cutoff: Date, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM ${DESTINATION_REQUESTS_TABLE} WHERE id IN (
         SELECT id FROM ${DESTINATION_REQUESTS_TABLE} WHERE created_at < $1 LIMIT $2)`,
      [cutoff, limit],
    );
    return rowCount ?? 0;
  }
}
