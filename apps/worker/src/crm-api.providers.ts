import type { Provider } from '@nestjs/common';
import { AppConfig } from '@app/config';
import {
  goHighLevelAdapter,
  GoHighLevelApiClient,
  hubspotAdapter,
  HubspotApiClient,
  salesforceAdapter,
  SalesforceApiClient,
} from '@app/crm';

/**
 * Each CRM's API client, from its adapter, when its credentials are set (null otherwise: the join skips the
 * `crm_api` step for that CRM and the sweep skips the CRM). Shared by the join and the reconciliation sweep.
 */
export function crmApiProviders(config: AppConfig): Provider[] {
  const { gohighlevel, salesforce } = config.crmApi;
  return [
    {
      provide: HubspotApiClient,
      useFactory: () =>
        config.hubspot.accessToken
          ? hubspotAdapter.createApiClient({
              apiUrl: config.hubspot.apiUrl,
              accessToken: config.hubspot.accessToken,
              externalIdProperty: config.hubspot.externalIdProperty,
              leadIdProperty: config.hubspot.leadIdProperty,
            })
          : null,
    },
    {
      provide: GoHighLevelApiClient,
      useFactory: () =>
        gohighlevel.enabled
          ? goHighLevelAdapter.createApiClient({
              apiUrl: gohighlevel.apiUrl,
              token: gohighlevel.token!,
              locationId: gohighlevel.locationId!,
              externalIdField: config.gohighlevel.externalIdField,
            })
          : null,
    },
    {
      provide: SalesforceApiClient,
      useFactory: () =>
        salesforce.enabled
          ? salesforceAdapter.createApiClient({
              loginUrl: salesforce.loginUrl,
              clientId: salesforce.clientId!,
              clientSecret: salesforce.clientSecret!,
              apiVersion: salesforce.apiVersion,
            })
          : null,
    },
  ];
}
