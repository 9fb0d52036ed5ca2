import { InjectQueue } from '@nestjs/bullmq';
import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { Pool } from 'pg';
import { Gauge } from 'prom-client';
import { COVERAGE_KEYS } from '@app/capi';
import { PG_POOL } from '@app/db';
import { MetricsService } from '@app/observability';
import { DISPATCH_QUEUE, LIFECYCLE_QUEUE } from '@app/queues';

/** Per-key aggregate columns over sent CAPI events, one per coverage key (the key names are constants). */
const perKey = (aggregate: (key: string) => string) =>
  COVERAGE_KEYS.map((key) => `${aggregate(key)} AS "${key}"`).join(', ');
const carried = (key: string) => `((payload->'user_data') ? '${key}')`;
const knew = (key: string) => `('${key}' = ANY(known_keys))`;

/**
 * Pipeline figures read at scrape time from where they live (Postgres and the queues), so the api's
 * /metrics shows the worker's work without the worker serving HTTP: lifecycle events by status, join
 * methods, CAPI events and Graph requests by outcome, Graph latency, queue depth and oldest waiting age,
 * and match-key coverage per event name (keys carried, keys the linked journeys knew, and the gaps).
 */
@Injectable()
export class OperationsMetrics implements OnModuleInit {
  constructor(
    private readonly metrics: MetricsService,
    @Inject(PG_POOL) private readonly pool: Pool,
    @InjectQueue(LIFECYCLE_QUEUE) private readonly lifecycle: Queue,
    @InjectQueue(DISPATCH_QUEUE) private readonly dispatch: Queue,
  ) {}

  onModuleInit(): void {
    const registers = [this.metrics.registry];
    const sql = this.pool;
    const queues = [this.lifecycle, this.dispatch];
    const fromRows = async (gauge: Gauge<string>, text: string, labels: string[]) => {
      gauge.reset();
      for (const row of (await sql.query(text)).rows) {
        gauge.set(
          Object.fromEntries(labels.map((label) => [label, String(row[label] ?? 'none')])),
          Number(row.value),
        );
      }
    };
    new Gauge({
      name: 'journey_lifecycle_events',
      help: 'Lifecycle events by provider and status',
      labelNames: ['provider', 'status'],
      registers,
      async collect() {
        await fromRows(
          this,
          'SELECT provider, status, count(*) AS value FROM lifecycle_events GROUP BY 1, 2',
          ['provider', 'status'],
        );
      },
    });
    new Gauge({
      name: 'journey_lifecycle_join_methods',
      help: 'Joined lifecycle events by join method',
      labelNames: ['join_method'],
      registers,
      async collect() {
        await fromRows(
          this,
          'SELECT join_method, count(*) AS value FROM lifecycle_events WHERE join_method IS NOT NULL GROUP BY 1',
          ['join_method'],
        );
      },
    });
    new Gauge({
      name: 'journey_capi_events',
      help: 'CAPI events by status (queued, sent, parked, failed)',
      labelNames: ['status'],
      registers,
      async collect() {
        await fromRows(this, 'SELECT status, count(*) AS value FROM capi_events GROUP BY 1', ['status']);
      },
    });
    new Gauge({
      name: 'journey_capi_graph_requests',
      help: 'Graph API requests by outcome class (accepted, transient, throttled, config, invalid_event, unknown)',
      labelNames: ['outcome'],
      registers,
      async collect() {
        await fromRows(this, 'SELECT outcome, count(*) AS value FROM capi_requests GROUP BY 1', ['outcome']);
      },
    });
    new Gauge({
      name: 'journey_capi_graph_latency_seconds',
      help: 'Graph API request latency over the last hour, by quantile',
      labelNames: ['quantile'],
      registers,
      async collect() {
        await fromRows(
          this,
          `SELECT q::text AS quantile, percentile_cont(q) WITHIN GROUP (ORDER BY duration_ms) / 1000.0 AS value
           FROM capi_requests, unnest(ARRAY[0.5, 0.95, 0.99]) q WHERE created_at > now() - interval '1 hour' GROUP BY q`,
          ['quantile'],
        );
      },
    });
    // Match-key coverage, per event name over sent events: the share carrying each key, the share whose
    // (linked) journey knew it, and how many knew it but did not carry it (a gap is a bug).
    const perEventAndKey = async (gauge: Gauge<string>, columns: string, where = '') => {
      gauge.reset();
      const { rows } = await sql.query(
        `SELECT event_name, ${columns} FROM capi_events WHERE status = 'sent' ${where} GROUP BY 1`,
      );
      for (const row of rows)
        for (const key of COVERAGE_KEYS) gauge.set({ event_name: row.event_name, key }, Number(row[key]));
    };
    new Gauge({
      name: 'journey_match_key_coverage',
      help: 'Share of sent CAPI events carrying each match key, by event name',
      labelNames: ['event_name', 'key'],
      registers,
      async collect() {
        await perEventAndKey(
          this,
          perKey((key) => `avg(${carried(key)}::int)`),
        );
      },
    });
    new Gauge({
      name: 'journey_match_key_known',
      help: 'Share of sent CAPI events whose journey (with its linked journeys) knew each match key, by event name',
      labelNames: ['event_name', 'key'],
      registers,
      async collect() {
        // Events sent before known keys were recorded are left out rather than counted as knowing nothing.
        await perEventAndKey(
          this,
          perKey((key) => `avg(${knew(key)}::int)`),
          `AND known_keys <> '{}'`,
        );
      },
    });
    new Gauge({
      name: 'journey_match_key_gaps',
      help: 'Sent CAPI events whose journey knew a match key the event did not carry, by event name (a gap is a bug)',
      labelNames: ['event_name', 'key'],
      registers,
      async collect() {
        await perEventAndKey(
          this,
          perKey((key) => `count(*) FILTER (WHERE ${knew(key)} AND NOT ${carried(key)})`),
        );
      },
    });
    new Gauge({
      name: 'journey_queue_jobs',
      help: 'BullMQ jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers,
      async collect() {
        this.reset();
        for (const queue of queues) {
          const counts = await queue
            .getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed')
            .catch(() => undefined);
          for (const [state, count] of Object.entries(counts ?? {}))
            this.set({ queue: queue.name, state }, count);
        }
      },
    });
    new Gauge({
      name: 'journey_queue_oldest_waiting_seconds',
      help: 'Age of the oldest waiting job per queue (0 when none)',
      labelNames: ['queue'],
      registers,
      async collect() {
        this.reset();
        for (const queue of queues) {
          const [oldest] = await queue.getJobs(['wait'], 0, 0, true).catch(() => []);
          this.set({ queue: queue.name }, oldest ? (Date.now() - oldest.timestamp) / 1000 : 0);
        }
      },
    });
  }
}
