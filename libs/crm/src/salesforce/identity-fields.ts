import type { CrmIdentityFields } from '../adapter';

/** Salesforce leads, contacts and opportunities: our external_id and a lead id are sObject fields named by configuration. */
export const SALESFORCE_IDENTITY_FIELDS = Object.freeze({
  formCrmIds: Object.freeze({
    salesforce_lead_id: 'lead',
    salesforce_contact_id: 'contact',
    salesforce_opportunity_id: 'opportunity',
  } as const),
  externalIdSetting: 'SALESFORCE_EXTERNAL_ID_FIELD',
  leadIdSetting: 'SALESFORCE_LEAD_ID_FIELD',
} as const satisfies CrmIdentityFields);
