import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { COVERAGE_KEYS, CoverageKey } from '@app/destinations';
import { PG_POOL } from './pg-pool';

/** The console's funnel over a window: how many of each stage arrived since `since`. */
export interface FunnelCounts {
  touchpoints: number;
  forms: number;
  webhooks: number;
  changes: number;
  mapped: number;
  joined: number;
}

export interface DispatchCount {
  platform: string;
  destination: string;
  status: string;
  count: number;
}

export interface StatusCount {
  status: string;
  count: number;
}

export interface CoverageRow {
  platform: string;
  destination: string;
  eventName: string;
  events: number;
  /** Share of events carrying each key (Meta's user_data; null on platforms whose payload differs). */
  carried: Record<CoverageKey, number> | null;
  /** Share of events whose (linked) journey knew each key. */
  known: Record<CoverageKey, number>;
}

export interface SentBucket {
  bucket: Date;
  count: number;
}

const SENT = `('sent', 'dry_run')`;
const keyColumns = (prefix: string, expression: (key: string) => string) =>
  COVERAGE_KEYS.map((key) => `avg((${expression(key)})::int) AS "${prefix}${key}"`).join(', ');

/**
 * The console overview, every figure bounded by a time window on an indexed column (console_indexes
 * migration), so it stays fast on a store of millions of touchpoints. Raw SQL throughout: conditional
 * aggregates, jsonb key tests and date_trunc buckets have no Prisma equivalent.
 */
@Injectable()
export class ConsoleStatsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async funnel(since: Date, providers: readonly string[]): Promise<FunnelCounts> {
    const [touchpoints, forms, webhooks, lifecycle] = await Promise.all([
      this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM touchpoints WHERE received_at >= $1`, [
        since,
      ]),
      this.pool.query<{ n: string }>(`SELECT count(*) AS n FROM form_submissions WHERE submitted_at >= $1`, [
        since,
      ]),
      // provider = ANY: uses the (provider, received_at) index.
      this.pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM webhook_deliveries WHERE provider = ANY($2) AND received_at >= $1`,
        [since, providers],
      ),
      this.pool.query<{ changes: string; mapped: string; joined: string }>(
        `SELECT count(*) AS changes, count(*) FILTER (WHERE event_name IS NOT NULL) AS mapped,
           count(*) FILTER (WHERE join_method IS NOT NULL) AS joined
         FROM lifecycle_events WHERE created_at >= $1`,
        [since],
      ),
    ]);
    const row = lifecycle.rows[0];
    return {
      touchpoints: Number(touchpoints.rows[0].n),
      forms: Number(forms.rows[0].n),
      webhooks: Number(webhooks.rows[0].n),
      changes: Number(row.changes),
      mapped: Number(row.mapped),
      joined: Number(row.joined),
    };
  }

  async dispatches(since: Date): Promise<DispatchCount[]> {
    const { rows } = await this.pool.query<DispatchCount & { count: string }>(
      `SELECT platform, destination, status, count(*) AS count FROM dispatches WHERE created_at >= $1
       GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
      [since],
    );
    return rows.map((row) => ({ ...row, count: Number(row.count) }));
  }

  async lifecycleStatuses(since: Date): Promise<StatusCount[]> {
    const { rows } = await this.pool.query<{ status: string; count: string }>(
      `SELECT status, count(*) AS count FROM lifecycle_events WHERE created_at >= $1 GROUP BY 1 ORDER BY 2 DESC`,
      [since],
    );
    return rows.map((row) => ({ status: row.status, count: Number(row.count) }));
  }

  /** Why dispatches were not sent, per platform: the reason text up to its first colon (its kind). */
  async notSentReasons(since: Date): Promise<(StatusCount & { platform: string; reason: string })[]> {
    const { rows } = await this.pool.query<{
      platform: string;
      status: string;
      reason: string;
      count: string;
    }>(
      `SELECT platform, status, left(split_part(coalesce(status_reason, ''), ':', 1), 80) AS reason,
         count(*) AS count
       FROM dispatches WHERE created_at >= $1 AND status NOT IN ${SENT} AND status <> 'queued'
       GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 50`,
      [since],
    );
    return rows.map((row) => ({ ...row, count: Number(row.count) }));
  }

  async joinMethods(since: Date): Promise<{ joinMethod: string; count: number }[]> {
    const { rows } = await this.pool.query<{ join_method: string; count: string }>(
      `SELECT join_method, count(*) AS count FROM lifecycle_events
       WHERE created_at >= $1 AND join_method IS NOT NULL GROUP BY 1 ORDER BY 2 DESC`,
      [since],
    );
    return rows.map((row) => ({ joinMethod: row.join_method, count: Number(row.count) }));
  }

  /** Over the events sent (or dry-run) in the window, per destination and event name. */
  async coverage(since: Date): Promise<CoverageRow[]> {
    const carried = keyColumns('c_', (key) => `(payload->'user_data') ? '${key}'`);
    const known = keyColumns('k_', (key) => `'${key}' = ANY(known_keys)`);
    const { rows } = await this.pool.query<Record<string, string>>(
      `SELECT platform, destination, event_name, count(*) AS events, ${carried}, ${known}
       FROM dispatches WHERE sent_at >= $1 AND status IN ${SENT}
       GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 LIMIT 100`,
      [since],
    );
    const byKey = (row: Record<string, string>, prefix: string) =>
      Object.fromEntries(COVERAGE_KEYS.map((key) => [key, Number(row[`${prefix}${key}`])])) as Record<
        CoverageKey,
        number
      >;
    return rows.map((row) => ({
      platform: row.platform,
      destination: row.destination,
      eventName: row.event_name,
      events: Number(row.events),
      carried: row.platform === 'meta' ? byKey(row, 'c_') : null,
      known: byKey(row, 'k_'),
    }));
  }

  /** Sent (and dry-run) events per UTC bucket (`hour` or `day`) since `since`. */
  async sentOverTime(since: Date, unit: 'hour' | 'day'): Promise<SentBucket[]> {
    const { rows } = await this.pool.query<{ bucket: Date; count: string }>(
      `SELECT date_trunc($2, sent_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS bucket, count(*) AS count FROM dispatches
       WHERE sent_at >= $1 AND status IN ${SENT} GROUP BY 1 ORDER BY 1`,
      [since, unit],
    );
    return rows.map((row) => ({ bucket: row.bucket, count: Number(row.count) }));
  }

  /** Lifecycle events still `pending` (not yet on the queue) older than `olderThan`: the oldest one's time. */
  async stalePending(olderThan: Date): Promise<{ count: number; oldest: Date | null }> {
    const { rows } = await this.pool.query<{ count: string; oldest: Date | null }>(
      `SELECT count(*) AS count, min(created_at) AS oldest FROM lifecycle_events
       WHERE status = 'pending' AND created_at < $1`,
      [olderThan],
    );
    return { count: Number(rows[0].count), oldest: rows[0].oldest };
  }

  async pauses(): Promise<{ platform: string; destination: string; reason: string; pausedAt: Date }[]> {
    const { rows } = await this.pool.query<{
      platform: string;
      destination: string;
      reason: string;
      paused_at: Date;
    }>(
      `SELECT platform, destination, reason, paused_at FROM destination_pauses ORDER BY platform, destination`,
    );
    return rows.map((row) => ({
      platform: row.platform,
      destination: row.destination,
      reason: row.reason,
      pausedAt: row.paused_at,
    }));
  }
}
