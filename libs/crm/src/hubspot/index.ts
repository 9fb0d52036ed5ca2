// HubSpot: app webhooks (signature v3, v2, v1) and workflow "Send a webhook" deliveries; the CRM API for
// the lifecycle join (deals, their contacts and values) and the reconciliation sweep (CRM search).
import { jsonReplies, type CrmAdapter } from '../adapter';
import { HubspotApiClient, type HubspotApiClientOptions } from './api-client';
import { HUBSPOT_DEFAULT_STAGES } from './default-stages';
import { HUBSPOT_IDENTITY_FIELDS } from './identity-fields';
import { parseHubspotDelivery } from './parse';
import { HubspotReconcileSource } from './reconcile';
import { verifyHubspotRequest } from './verify';

export * from './api-client';
export * from './deal';
export * from './default-stages';
export * from './identity-fields';
export * from './parse';
export * from './reconcile';
export * from './signature';
export * from './verify';

/** What HubSpot's webhook reads from the configuration (AppConfig.hubspot). */
export interface HubspotSettings {
  /** HUBSPOT_CLIENT_SECRET: without it every delivery is refused. */
  clientSecret?: string;
  externalIdProperty: string;
}

export const hubspotAdapter = {
  id: 'hubspot',
  displayName: 'HubSpot',
  leadEventSource: 'HubSpot',
  defaultStages: HUBSPOT_DEFAULT_STAGES,
  identityFields: HUBSPOT_IDENTITY_FIELDS,
  verify: (request, settings) =>
    settings.clientSecret
      ? verifyHubspotRequest({
          method: request.method,
          uri: request.uri,
          rawBody: request.rawBody,
          headers: request.headers,
          clientSecret: settings.clientSecret,
        })
      : { ok: false, reason: 'not_configured' },
  parse: (request, settings) =>
    parseHubspotDelivery(request.body, {
      externalIdProperty: settings.externalIdProperty,
      receivedAt: request.receivedAt,
    }),
  // HubSpot retries any non-2xx for up to 24 h.
  replies: jsonReplies(401, { status: 503, error: 'Service Unavailable' }),
  createApiClient: (options: HubspotApiClientOptions) => new HubspotApiClient(options),
  createReconcileSource: (client: HubspotApiClient, settings: { externalIdProperty: string }) =>
    new HubspotReconcileSource(client, settings),
} as const satisfies CrmAdapter<HubspotSettings>;
