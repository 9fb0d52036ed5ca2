import type { CrmIdentityFields } from '../adapter';

/** HubSpot contacts and deals: our external_id and a lead id live in properties named by configuration. */
export const HUBSPOT_IDENTITY_FIELDS = Object.freeze({
  formCrmIds: Object.freeze({ hubspot_contact_id: 'contact', hubspot_deal_id: 'deal' } as const),
  externalIdSetting: 'HUBSPOT_EXTERNAL_ID_PROPERTY',
  leadIdSetting: 'HUBSPOT_LEAD_ID_PROPERTY',
} as const satisfies CrmIdentityFields);
