// Every CRM adapter, keyed by provider id.
import type { CrmAdapter } from './adapter';
import { goHighLevelAdapter } from './gohighlevel';
import { hubspotAdapter } from './hubspot';
import type { CrmObjectType, CrmProvider } from './lifecycle-change';
import { salesforceAdapter } from './salesforce';

export const CRM_ADAPTERS = Object.freeze({
  hubspot: hubspotAdapter,
  gohighlevel: goHighLevelAdapter,
  salesforce: salesforceAdapter,
} as const satisfies { [P in CrmProvider]: CrmAdapter<never> & { id: P } });

/**
 * The adapter of a provider id; undefined for anything else (e.g. a value read from an old row). Its settings
 * type is unknown here (`never`): verify and parse are called through the typed adapters themselves.
 */
export function crmAdapter(provider: string): CrmAdapter<never> | undefined {
  return Object.hasOwn(CRM_ADAPTERS, provider) ? CRM_ADAPTERS[provider as CrmProvider] : undefined;
}

/** The CRM's name in prose; an unknown id as given. */
export const crmDisplayName = (provider: string): string => crmAdapter(provider)?.displayName ?? provider;

/** `custom_data.lead_event_source` for a CRM's events; an unknown id as given. */
export const crmLeadEventSource = (provider: string): string =>
  crmAdapter(provider)?.leadEventSource ?? provider;

type Adapters = typeof CRM_ADAPTERS;

/** A key of a form's `crm_ids` (`hubspot_contact_id`, `ghl_opportunity_id`, ...), from the adapters. */
export type FormCrmIdKey = {
  [P in CrmProvider]: keyof Adapters[P]['identityFields']['formCrmIds'] & string;
}[CrmProvider];

/** Every form `crm_ids` key, with the CRM and the record type it names. */
export const FORM_CRM_IDS = Object.freeze(
  Object.fromEntries(
    Object.values(CRM_ADAPTERS).flatMap((adapter) =>
      Object.entries(adapter.identityFields.formCrmIds).map(([key, objectType]) => [
        key,
        Object.freeze({ provider: adapter.id, objectType }),
      ]),
    ),
  ) as Record<FormCrmIdKey, Readonly<{ provider: CrmProvider; objectType: CrmObjectType }>>,
);
