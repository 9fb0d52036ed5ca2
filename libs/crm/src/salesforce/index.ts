// Salesforce: Outbound Messages (SOAP 1.1), authenticated by their OrganizationId; one SOAP Ack covers up
// to 100 notifications; the REST API (SOQL, client-credentials flow) for joins and sweeps.
import type { CrmAdapter, CrmWebhookReplies } from '../adapter';
import { SALESFORCE_ACK_CONTENT_TYPE, salesforceAck } from './acknowledgement';
import { SalesforceApiClient, type SalesforceApiClientOptions } from './api-client';
import { SALESFORCE_DEFAULT_STAGES } from './default-stages';
import { SALESFORCE_IDENTITY_FIELDS } from './identity-fields';
import { parseSalesforceOutboundMessage, type SalesforceDelivery } from './parse';
import { SalesforceReconcileSource } from './records';
import { verifySalesforceOrganization } from './verify';

export * from './acknowledgement';
export * from './api-client';
export * from './default-stages';
export * from './identity-fields';
export * from './namespaces';
export * from './org-id';
export * from './parse';
export * from './records';
export * from './verify';

/** What Salesforce's webhook reads from the configuration (AppConfig.salesforce). */
export interface SalesforceSettings {
  /** SALESFORCE_ORG_IDS: without any, every message is refused. */
  orgIds: readonly string[];
  externalIdField: string;
  leadIdField?: string;
}

/** One SOAP Ack covers every notification of the message; a refused message gets 403. */
const SALESFORCE_REPLIES: CrmWebhookReplies = {
  refusedStatus: 403,
  accepted: () => ({ status: 200, contentType: SALESFORCE_ACK_CONTENT_TYPE, body: salesforceAck(true) }),
  // Without <Ack>true</Ack> Salesforce keeps the message queued and retries for 24 h.
  unavailable: () => ({ status: 503, contentType: SALESFORCE_ACK_CONTENT_TYPE, body: salesforceAck(false) }),
};

export const salesforceAdapter = {
  id: 'salesforce',
  displayName: 'Salesforce',
  leadEventSource: 'Salesforce',
  defaultStages: SALESFORCE_DEFAULT_STAGES,
  identityFields: SALESFORCE_IDENTITY_FIELDS,
  verify: (_request, settings, parsed) =>
    verifySalesforceOrganization(() => parsed().organizationId, settings.orgIds),
  parse: (request, settings): SalesforceDelivery => {
    const delivery = parseSalesforceOutboundMessage(request.rawBody.toString('utf8'), {
      externalIdField: settings.externalIdField,
      leadIdField: settings.leadIdField,
      receivedAt: request.receivedAt,
    });
    return { ...delivery, tenant: delivery.organizationId };
  },
  replies: SALESFORCE_REPLIES,
  createApiClient: (options: SalesforceApiClientOptions) => new SalesforceApiClient(options),
  createReconcileSource: (client: SalesforceApiClient) => new SalesforceReconcileSource(client),
} as const satisfies CrmAdapter<SalesforceSettings, SalesforceDelivery>;
