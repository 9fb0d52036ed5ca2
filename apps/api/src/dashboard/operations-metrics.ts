import { getQueueToken, InjectQueue } from '@nestjs/bullmq';
import { Injectable, OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { Gauge } from 'prom-client';
import { COVERAGE_KEYS } from '@app/destinations';
import { KeyCoverageMeasure, PipelineStatsRepository } from '@app/db';
import { MetricsService } from '@app/observability';
import { DISPATCH_QUEUES, LIFECYCLE_QUEUE } from '@app/queues';

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
    private readonly stats: PipelineStatsRepository,
    @InjectQueue(LIFECYCLE_QUEUE) private readonly lifecycle: Queue,
    private readonly modules: ModuleRef,
  ) {}

  onModuleInit(): void {
    const registers = [this.metrics.registry];
    // Every api process reads the same rows: across API_PROCESSES the figure is one process's, not the sum.
    const aggregator = 'first' as const;
    const stats = this.stats;
    const queues = [
      this.lifecycle,
      ...Object.values(DISPATCH_QUEUES).map((name) =>
        this.modules.get<Queue>(getQueueToken(name), { strict: false }),
      ),
    ];
    // Emptied before the read, so a label that no longer has rows disappears.
    const refill = async <T>(gauge: Gauge<string>, read: Promise<T[]>, set: (row: T) => void) => {
      gauge.reset();
      (await read).forEach(set);
    };
    new Gauge({
      name: 'journey_lifecycle_events',
      help: 'Lifecycle events by provider and status',
      labelNames: ['provider', 'status'],
      registers,
      aggregator,
      async collect() {
        await refill(this, stats.lifecycleEventsByProviderAndStatus(), ({ provider, status, count }) =>
          this.set({ provider, status }, count),
        );
      },
    });
    new Gauge({
      name: 'journey_lifecycle_join_methods',
      help: 'Joined lifecycle events by join method',
      labelNames: ['join_method'],
      registers,
      aggregator,
      async collect() {
        await refill(this, stats.joinMethods(), ({ joinMethod, count }) =>
          this.set({ join_method: joinMethod }, count),
        );
      },
    });
    new Gauge({
      name: 'journey_dispatches',
      help: 'Dispatches by platform and status (queued, sent, parked, failed, skipped, dry_run)',
      labelNames: ['platform', 'status'],
      registers,
      aggregator,
      async collect() {
        await refill(this, stats.dispatchesByPlatformAndStatus(), ({ platform, status, count }) =>
          this.set({ platform, status }, count),
        );
      },
    });
    new Gauge({
      name: 'journey_capi_graph_requests',
      help: 'Graph API requests by outcome class (accepted, transient, throttled, config, invalid_event, unknown)',
      labelNames: ['outcome'],
      registers,
      aggregator,
      async collect() {
        await refill(this, stats.graphRequestsByOutcome(), ({ outcome, count }) =>
          this.set({ outcome }, count),
        );
      },
    });
    new Gauge({
      name: 'journey_capi_graph_latency_seconds',
      help: 'Graph API request latency over the last hour, by quantile',
      labelNames: ['quantile'],
      registers,
      aggregator,
      async collect() {
        await refill(this, stats.graphLatencyLastHour(), ({ quantile, seconds }) =>
          this.set({ quantile }, seconds),
        );
      },
    });
    // Match-key coverage, per event name over sent events: the share carrying each key, the share whose
    // (linked) journey knew it, and how many knew it but did not carry it (a gap is a bug).
    const perEventAndKey = async (gauge: Gauge<string>, measure: KeyCoverageMeasure) =>
      refill(gauge, stats.keyCoverage(measure), ({ eventName, byKey }) => {
        for (const key of COVERAGE_KEYS) gauge.set({ event_name: eventName, key }, byKey[key]);
      });
    new Gauge({
      name: 'journey_match_key_coverage',
      help: 'Share of sent CAPI events carrying each match key, by event name',
      labelNames: ['event_name', 'key'],
      registers,
      aggregator,
      async collect() {
        await perEventAndKey(this, 'carried');
      },
    });
    new Gauge({
      name: 'journey_match_key_known',
      help: 'Share of sent CAPI events whose journey (with its linked journeys) knew each match key, by event name',
      labelNames: ['event_name', 'key'],
      registers,
      aggregator,
      async collect() {
        await perEventAndKey(this, 'known');
      },
    });
    new Gauge({
      name: 'journey_match_key_gaps',
      help: 'Sent CAPI events whose journey knew a match key the event did not carry, by event name (a gap is a bug)',
      labelNames: ['event_name', 'key'],
      registers,
      aggregator,
      async collect() {
        await perEventAndKey(this, 'gaps');
      },
    });
    new Gauge({
      name: 'journey_queue_jobs',
      help: 'BullMQ jobs per queue and state',
      labelNames: ['queue', 'state'],
      registers,
      aggregator,
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
      aggregator,
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
