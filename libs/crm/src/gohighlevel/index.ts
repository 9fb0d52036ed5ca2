// HighLevel: marketplace app webhooks (X-GHL-Signature, legacy X-WH-Signature) and workflow webhooks
// (X-Journey-Secret), both on one endpoint; the API (opportunities, contacts) for joins and sweeps.
import { jsonReplies, type CrmAdapter } from '../adapter';
import { GoHighLevelApiClient, type GoHighLevelApiClientOptions } from './api-client';
import { GOHIGHLEVEL_DEFAULT_STAGES } from './default-stages';
import { GOHIGHLEVEL_IDENTITY_FIELDS } from './identity-fields';
import { parseGoHighLevelDelivery } from './parse';
import { parseGoHighLevelWorkflowDelivery } from './parse-workflow';
import { GoHighLevelReconcileSource } from './reconcile';
import {
  goHighLevelDeliveryKind,
  GOHIGHLEVEL_RETRY_WINDOW_MS,
  verifyGoHighLevelRequest,
  verifyGoHighLevelWorkflowSecret,
} from './verify';

export * from './api-client';
export * from './default-stages';
export * from './identity-fields';
export * from './parse';
export { GOHIGHLEVEL_OPPORTUNITY_STATUSES, GOHIGHLEVEL_WORKFLOW_KEYS } from './parse-workflow';
export * from './published-keys';
export * from './reconcile';
export * from './verify';

/** What HighLevel's webhook reads from the configuration (AppConfig.gohighlevel). */
export interface GoHighLevelSettings {
  /** Ed25519 key (PEM) for X-GHL-Signature. */
  publicKey: string;
  /** RSA key (PEM) for the legacy X-WH-Signature. */
  rsaPublicKey: string;
  /** GHL_WORKFLOW_SECRET: without it workflow webhooks are refused. */
  workflowSecret?: string;
  /** GHL_EXTERNAL_ID_FIELD: the contact custom field id holding our external_id. */
  externalIdField?: string;
}

export const goHighLevelAdapter = {
  id: 'gohighlevel',
  displayName: 'HighLevel',
  // The name Meta's Conversion Leads set-up lists (and what has been sent so far).
  leadEventSource: 'GoHighLevel',
  defaultStages: GOHIGHLEVEL_DEFAULT_STAGES,
  identityFields: GOHIGHLEVEL_IDENTITY_FIELDS,
  verify: (request, settings) =>
    goHighLevelDeliveryKind(request.headers) === 'workflow'
      ? verifyGoHighLevelWorkflowSecret(request.headers, settings.workflowSecret)
      : verifyGoHighLevelRequest({
          rawBody: request.rawBody,
          headers: request.headers,
          ed25519PublicKeyPem: settings.publicKey,
          rsaPublicKeyPem: settings.rsaPublicKey,
          maxAgeMs: GOHIGHLEVEL_RETRY_WINDOW_MS,
        }),
  parse: (request, settings) =>
    goHighLevelDeliveryKind(request.headers) === 'workflow'
      ? parseGoHighLevelWorkflowDelivery(request.body, { receivedAt: request.receivedAt })
      : parseGoHighLevelDelivery(request.body, {
          receivedAt: request.receivedAt,
          externalIdFieldId: settings.externalIdField,
        }),
  // 429 is the only status HighLevel retries (every 10 min, 6 times): anything else would lose the event.
  replies: jsonReplies(401, { status: 429, error: 'Too Many Requests' }),
  createApiClient: (options: GoHighLevelApiClientOptions) => new GoHighLevelApiClient(options),
  createReconcileSource: (client: GoHighLevelApiClient) => new GoHighLevelReconcileSource(client),
} as const satisfies CrmAdapter<GoHighLevelSettings>;
