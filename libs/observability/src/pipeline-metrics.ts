import { Counter, Histogram, Registry } from 'prom-client';

/** Lifecycle counters (worker). */
export function lifecycleMetrics(registry: Registry) {
  return {
    lifecycle: new Counter({
      name: 'journey_lifecycle_events_total',
      help: 'Lifecycle events processed by the worker, by outcome status and join method',
      labelNames: ['status', 'join_method'] as const,
      registers: [registry],
    }),
  };
}

/** Destination counters per ad platform (worker): requests, settled events, latency. */
export function destinationMetrics(registry: Registry) {
  return {
    requests: new Counter({
      name: 'journey_destination_requests_total',
      help: 'Requests to ad platforms, by platform and outcome class (accepted, transient, throttled, config, invalid_event, unknown)',
      labelNames: ['platform', 'outcome'] as const,
      registers: [registry],
    }),
    events: new Counter({
      name: 'journey_destination_events_total',
      help: 'Dispatches settled, by platform and outcome (sent, parked, invalid, expired, dry_run)',
      labelNames: ['platform', 'outcome'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'journey_destination_request_seconds',
      help: 'Ad platform request latency, by platform',
      labelNames: ['platform'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
  };
}
