import { Counter, Registry } from 'prom-client';

/** Webhook intake and CRM reconciliation counters (created on the process registry by MetricsService). */
export function webhookMetrics(registry: Registry) {
  return {
    received: new Counter({
      name: 'journey_webhooks_received_total',
      help: 'Verified CRM webhook deliveries stored, by provider',
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
    rejected: new Counter({
      name: 'journey_webhooks_rejected_total',
      help: 'CRM webhook deliveries refused (nothing stored), by provider and reason',
      labelNames: ['provider', 'reason'] as const,
      registers: [registry],
    }),
    lifecycleEvents: new Counter({
      name: 'journey_lifecycle_events_stored_total',
      help: 'Lifecycle events stored from webhooks, by provider and initial status (pending, unmapped)',
      labelNames: ['provider', 'status'] as const,
      registers: [registry],
    }),
    changes: new Counter({
      name: 'journey_lifecycle_changes_total',
      help: 'Lifecycle changes stored, by who found them (webhook, reconcile, backfill) and provider',
      labelNames: ['source', 'provider'] as const,
      registers: [registry],
    }),
    reconciled: new Counter({
      name: 'journey_crm_reconciled_changes_total',
      help: 'Stage changes the reconciliation sweep found in a CRM API and stored (their webhook never came), by provider',
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
    duplicates: new Counter({
      name: 'journey_webhook_duplicates_total',
      help: 'Re-delivered stage changes recognised and not stored again, by provider',
      labelNames: ['provider'] as const,
      registers: [registry],
    }),
  };
}
