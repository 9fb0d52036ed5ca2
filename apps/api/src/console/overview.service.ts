import { Injectable } from '@nestjs/common';
import { CRM_PROVIDERS } from '@app/crm';
import { ConsoleStatsRepository, CoverageRow, DispatchCount, FunnelCounts, StatusCount } from '@app/db';

export const WINDOWS = {
  '24h': { ms: 24 * 3600_000, unit: 'hour' },
  '7d': { ms: 7 * 24 * 3600_000, unit: 'day' },
} as const;
export type OverviewWindow = keyof typeof WINDOWS;

export interface Overview {
  window: OverviewWindow;
  since: Date;
  funnel: FunnelCounts;
  /** Sent (or dry-run) per destination, the funnel's last step. */
  sent: { platform: string; destination: string; count: number }[];
  dispatches: DispatchCount[];
  statuses: StatusCount[];
  notSent: (StatusCount & { platform: string; reason: string })[];
  joinMethods: { joinMethod: string; count: number }[];
  coverage: CoverageRow[];
  /** One entry per bucket of the window, zeros included. */
  sentOverTime: { at: Date; value: number }[];
  unit: 'hour' | 'day';
  tookMs: number;
}

/** Assembles the overview from the console's windowed queries (run in parallel). */
@Injectable()
export class OverviewService {
  constructor(private readonly stats: ConsoleStatsRepository) {}

  async overview(window: OverviewWindow, now = new Date()): Promise<Overview> {
    const started = Date.now();
    const { ms, unit } = WINDOWS[window];
    const since = new Date(now.getTime() - ms);
    const [funnel, dispatches, statuses, notSent, joinMethods, coverage, buckets] = await Promise.all([
      this.stats.funnel(since, CRM_PROVIDERS),
      this.stats.dispatches(since),
      this.stats.lifecycleStatuses(since),
      this.stats.notSentReasons(since),
      this.stats.joinMethods(since),
      this.stats.coverage(since),
      this.stats.sentOverTime(since, unit),
    ]);
    const sent = new Map<string, { platform: string; destination: string; count: number }>();
    for (const row of dispatches) {
      if (row.status !== 'sent' && row.status !== 'dry_run') continue;
      const key = `${row.platform}/${row.destination}`;
      const entry = sent.get(key) ?? { platform: row.platform, destination: row.destination, count: 0 };
      entry.count += row.count;
      sent.set(key, entry);
    }
    return {
      window,
      since,
      funnel,
      sent: [...sent.values()],
      dispatches,
      statuses,
      notSent,
      joinMethods,
      coverage,
      sentOverTime: fillBuckets(buckets, since, now, unit),
      unit,
      tookMs: Date.now() - started,
    };
  }
}

/** Every hour (or UTC day) from `since` to `now`, with the counts Postgres found (the query buckets in UTC). */
function fillBuckets(
  rows: { bucket: Date; count: number }[],
  since: Date,
  now: Date,
  unit: 'hour' | 'day',
): { at: Date; value: number }[] {
  const step = unit === 'hour' ? 3600_000 : 24 * 3600_000;
  const counts = new Map(rows.map((row) => [new Date(row.bucket).getTime(), row.count]));
  const start = Math.floor(since.getTime() / step) * step;
  const out: { at: Date; value: number }[] = [];
  for (let at = start; at <= now.getTime(); at += step)
    out.push({ at: new Date(at), value: counts.get(at) ?? 0 });
  return out;
}
