import type { AppConfig } from './app-config';

/** A destination as configured: ids an operator recognises, never a token or secret. */
export interface DestinationSetting {
  platform: string;
  destination: string;
  enabled: boolean;
  detail: string;
}

export interface CrmSetting {
  provider: string;
  webhooks: string;
  api: string;
  path: string;
}

const yes = (value: unknown) => (value ? 'set' : 'not set');

/** The destinations a configuration enables (or names without enabling), as the worker sees them. */
export function configuredDestinations(config: AppConfig): DestinationSetting[] {
  const { google, tiktok, linkedin, dryRun } = config.destinations;
  const mode = dryRun ? ' · DRY_RUN_DESTINATIONS: recorded, not sent' : '';
  return [
    {
      platform: 'meta',
      destination: config.meta.pixelId ?? '—',
      enabled: config.meta.enabled,
      detail: config.meta.enabled
        ? `pixel ${config.meta.pixelId}, Graph ${config.meta.apiVersion}${config.meta.testEventCode ? ', META_TEST_EVENT_CODE set' : ''}${mode}`
        : 'META_PIXEL_ID and META_ACCESS_TOKEN not set',
    },
    {
      platform: 'google',
      destination: google.customerId ?? '—',
      enabled: google.enabled,
      detail: google.enabled
        ? `customer ${google.customerId}, actions for ${Object.keys(google.conversionActions).join(', ')}${google.validateOnly ? ', validateOnly' : ''}${mode}`
        : 'GOOGLE_* credentials, customer id or conversion actions not set',
    },
    {
      platform: 'tiktok',
      destination: tiktok.pixelCode ?? '—',
      enabled: tiktok.enabled,
      detail: tiktok.enabled
        ? `pixel ${tiktok.pixelCode}${tiktok.testEventCode ? ', TIKTOK_TEST_EVENT_CODE set' : ''}${mode}`
        : 'TIKTOK_ACCESS_TOKEN and TIKTOK_PIXEL_CODE not set',
    },
    {
      platform: 'linkedin',
      destination: Object.values(linkedin.conversionRules).join(',') || '—',
      enabled: linkedin.enabled,
      detail: linkedin.enabled
        ? `rules for ${Object.keys(linkedin.conversionRules).join(', ')}${mode}`
        : 'LINKEDIN_ACCESS_TOKEN and LINKEDIN_CONVERSION_RULES not set',
    },
  ];
}

/** Which CRMs can post to us and which APIs the worker may read: whether secrets are set, never the secrets. */
export function configuredCrms(config: AppConfig): CrmSetting[] {
  return [
    {
      provider: 'hubspot',
      path: '/webhooks/hubspot',
      webhooks: config.hubspot.clientSecret
        ? 'on (HUBSPOT_CLIENT_SECRET set)'
        : 'off: HUBSPOT_CLIENT_SECRET not set',
      api: config.hubspot.accessToken
        ? `API on (HUBSPOT_ACCESS_TOKEN set): joins and sweeps every ${config.crmApi.reconcileMinutes} min`
        : 'API off (HUBSPOT_ACCESS_TOKEN not set)',
    },
    {
      provider: 'gohighlevel',
      path: '/webhooks/gohighlevel',
      webhooks: `on (signed marketplace events); workflow webhooks ${config.gohighlevel.workflowSecret ? 'on' : 'off: GHL_WORKFLOW_SECRET not set'}`,
      api: config.crmApi.gohighlevel.enabled
        ? `API on (location ${config.crmApi.gohighlevel.locationId}): joins and sweeps every ${config.crmApi.reconcileMinutes} min; GHL_EXTERNAL_ID_FIELD ${yes(config.gohighlevel.externalIdField)}`
        : `API off (GHL_API_TOKEN, GHL_LOCATION_ID not set); GHL_EXTERNAL_ID_FIELD ${yes(config.gohighlevel.externalIdField)}`,
    },
    {
      provider: 'salesforce',
      path: '/webhooks/salesforce',
      webhooks: config.salesforce.orgIds.length
        ? `on for ${config.salesforce.orgIds.length} organization(s)`
        : 'off: SALESFORCE_ORG_IDS not set',
      api: `${config.crmApi.salesforce.enabled ? `API on (${config.crmApi.salesforce.loginUrl}): joins and sweeps every ${config.crmApi.reconcileMinutes} min` : 'API off (SALESFORCE_CLIENT_ID, SALESFORCE_CLIENT_SECRET not set)'}; external id field ${config.salesforce.externalIdField}`,
    },
  ];
}

/** One line per CRM and destination for the start-up log (no secrets). */
export function integrationLines(config: AppConfig): string[] {
  return [
    ...configuredCrms(config).map((crm) => `CRM ${crm.provider}: webhooks ${crm.webhooks}; ${crm.api}`),
    ...configuredDestinations(config).map(
      (d) => `destination ${d.platform}: ${d.enabled ? 'enabled' : 'disabled'} (${d.detail})`,
    ),
  ];
}
