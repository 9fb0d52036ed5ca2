import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { destinationMetrics, lifecycleMetrics } from './pipeline-metrics';
import { webhookMetrics } from './webhook-metrics';

/** The process's Prometheus registry and the counters shared by the api and the worker. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly touchpointsRecorded = new Counter({
    name: 'journey_touchpoints_recorded_total',
    help: 'Touchpoints stored, by source (browser or server) and bot verdict',
    labelNames: ['source', 'bot'] as const,
    registers: [this.registry],
  });

  readonly formsRecorded = new Counter({
    name: 'journey_forms_recorded_total',
    help: 'Form submissions stored, by source',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  // Reasons are fixed strings from the normalisers (bounded); custom answers all count as field "fields".
  readonly formValuesDropped = new Counter({
    name: 'journey_form_values_dropped_total',
    help: 'Form values left out of the hashed keys (the form itself was kept), by field and reason',
    labelNames: ['field', 'reason'] as const,
    registers: [this.registry],
  });

  readonly ingestRateLimited = new Counter({
    name: 'journey_ingest_rate_limited_total',
    help: 'Ingest calls refused with 429 (rate limit per API key or client IP), by route and caller',
    labelNames: ['route', 'caller'] as const,
    registers: [this.registry],
  });

  readonly touchpointsIgnored = new Counter({
    name: 'journey_touchpoints_ignored_total',
    help: 'Touchpoints acknowledged but not stored, by reason (visitor_hourly_cap)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly rejectedRequests = new Counter({
    name: 'journey_rejected_requests_total',
    help: 'Requests refused before storing anything, by route and reason',
    labelNames: ['route', 'reason'] as const,
    registers: [this.registry],
  });

  readonly erasures = new Counter({
    name: 'journey_erasures_total',
    help: 'Journeys erased (right to be forgotten)',
    registers: [this.registry],
  });

  readonly webhooks = webhookMetrics(this.registry);
  readonly lifecycle = lifecycleMetrics(this.registry).lifecycle;
  readonly destination = destinationMetrics(this.registry);

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }
}
