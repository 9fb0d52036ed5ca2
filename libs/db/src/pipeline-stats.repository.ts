import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { COVERAGE_KEYS, CoverageKey } from '@app/destinations';
import { PG_POOL } from './pg-pool';
import { PrismaService } from './prisma.service';

/** A count of rows sharing the values of some columns. */
export type GroupCount<K extends string> = Record<K, string> & { count: number };

/** Per event name, one figure per coverage key (a share or a count, depending on the measure). */
export interface KeyCoverageRow {
  eventName: string;
  byKey: Record<CoverageKey, number>;
}

/**
 * - carried: share of sent events carrying the key;
 * - known: share whose (linked) journey knew it, over events sent since known keys were recorded;
 * - gaps: how many knew it but did not carry it (a gap is a bug).
 */
export type KeyCoverageMeasure = 'carried' | 'known' | 'gaps';

const carried = (key: string) => `((payload->'user_data') ? '${key}')`;
const knew = (key: string) => `('${key}' = ANY(known_keys))`;
const AGGREGATES: Record<KeyCoverageMeasure, (key: string) => string> = {
  carried: (key) => `avg(${carried(key)}::int)`,
  known: (key) => `avg(${knew(key)}::int)`,
  gaps: (key) => `count(*) FILTER (WHERE ${knew(key)} AND NOT ${carried(key)})`,
};
// Events sent before known keys were recorded are left out rather than counted as knowing nothing.
const WHERE: Record<KeyCoverageMeasure, string> = { carried: '', known: `AND known_keys <> '{}'`, gaps: '' };

/** The pipeline figures /metrics shows, read at scrape time: counts by status and outcome, Graph latency, key coverage. */
@Injectable()
export class PipelineStatsRepository {
  constructor(
    private readonly prisma: PrismaService,
    @Inject(PG_POOL) private readonly pool: Pool,
  ) {}

  async lifecycleEventsByProviderAndStatus(): Promise<GroupCount<'provider' | 'status'>[]> {
    const groups = await this.prisma.lifecycleEvent.groupBy({
      by: ['provider', 'status'],
      _count: { _all: true },
    });
    return groups.map(({ provider, status, _count }) => ({ provider, status, count: _count._all }));
  }

  async joinMethods(): Promise<GroupCount<'joinMethod'>[]> {
    const groups = await this.prisma.lifecycleEvent.groupBy({
      by: ['joinMethod'],
      where: { joinMethod: { not: null } },
      _count: { _all: true },
    });
    return groups.map(({ joinMethod, _count }) => ({ joinMethod: joinMethod!, count: _count._all }));
  }

  async dispatchesByPlatformAndStatus(): Promise<{ platform: string; status: string; count: number }[]> {
    const groups = await this.prisma.dispatch.groupBy({ by: ['platform', 'status'], _count: { _all: true } });
    return groups.map(({ platform, status, _count }) => ({ platform, status, count: _count._all }));
  }

  async graphRequestsByOutcome(): Promise<GroupCount<'outcome'>[]> {
    const groups = await this.prisma.destinationRequest.groupBy({
      by: ['outcome'],
      where: { platform: 'meta' },
      _count: { _all: true },
    });
    return groups.map(({ outcome, _count }) => ({ outcome, count: _count._all }));
  }

  /** Raw SQL: percentile_cont has no Prisma equivalent. Quantiles 0.5, 0.95, 0.99 of the last hour, in seconds. */
  async graphLatencyLastHour(): Promise<{ quantile: string; seconds: number }[]> {
    const { rows } = await this.pool.query<{ quantile: string; seconds: string }>(
      `SELECT q::text AS quantile, percentile_cont(q) WITHIN GROUP (ORDER BY duration_ms) / 1000.0 AS seconds
       FROM destination_requests, unnest(ARRAY[0.5, 0.95, 0.99]) q
       WHERE platform = 'meta' AND created_at > now() - interval '1 hour' GROUP BY q`,
    );
    return rows.map((row) => ({ quantile: row.quantile, seconds: Number(row.seconds) }));
  }

  /**
   * Raw SQL: the jsonb key test (`?`) and per-key FILTER aggregates have no Prisma equivalent. One scan of the
   * sent events per measure, one column per key (the key names are constants).
   */
  async keyCoverage(measure: KeyCoverageMeasure): Promise<KeyCoverageRow[]> {
    const columns = COVERAGE_KEYS.map((key) => `${AGGREGATES[measure](key)} AS "${key}"`).join(', ');
    const { rows } = await this.pool.query<Record<string, string>>(
      `SELECT event_name, ${columns} FROM dispatches WHERE platform = 'meta' AND status = 'sent' ${WHERE[measure]}
       GROUP BY 1`,
    );
    return rows.map((row) => ({
      eventName: row.event_name,
      byKey: Object.fromEntries(COVERAGE_KEYS.map((key) => [key, Number(row[key])])) as Record<
        CoverageKey,
        number
      >,
    }));
  }
}
