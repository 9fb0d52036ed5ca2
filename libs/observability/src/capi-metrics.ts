import { Counter, Histogram, Registry } from 'prom-client';

/** Lifecycle and Meta dispatch counters (worker). */
export function capiMetrics(registry: Registry) {
  return {
    lifecycle: new Counter({
      name: 'journey_lifecycle_events_total',
      help: 'Lifecycle events processed by the worker, by outcome status and join method',
      labelNames: ['status', 'join_method'] as const,
      registers: [registry],
    }),
    requests: new Counter({
      name: 'journey_capi_requests_total',
      help: 'Graph API requests, by outcome class (accepted, transient, throttled, config, invalid_event, unknown)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    events: new Counter({
      name: 'journey_capi_events_total',
      help: 'CAPI events settled, by outcome (sent, parked)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: 'journey_capi_request_seconds',
      help: 'Graph API request latency',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
      registers: [registry],
    }),
  };
}
