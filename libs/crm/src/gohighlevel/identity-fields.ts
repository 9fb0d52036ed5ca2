import type { CrmIdentityFields } from '../adapter';

/**
 * HighLevel contacts and opportunities: marketplace events key custom fields by id, so our external_id is
 * read from the custom field whose id is configured (workflow webhooks send it as Custom Data instead).
 * The form keys keep the `ghl_` prefix: they are part of the public contract (SPEC).
 */
export const GOHIGHLEVEL_IDENTITY_FIELDS = Object.freeze({
  formCrmIds: Object.freeze({ ghl_contact_id: 'contact', ghl_opportunity_id: 'opportunity' } as const),
  externalIdSetting: 'GHL_EXTERNAL_ID_FIELD',
} as const satisfies CrmIdentityFields);
