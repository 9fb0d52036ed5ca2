import { GoHighLevelApiClient, HubspotApiClient, SalesforceApiClient, salesforceContacts } from '@app/crm';
import type { LifecycleEventRow } from '@app/db';
import { CrmContactFacts, normalizeEmail, normalizePhone, sha256Hex } from '@app/journey';

/** Contacts of one change joined on at most (a deal with more is joined on these). */
export const MAX_CRM_CONTACTS = 10;

/** The CRMs' API clients (each absent when not configured) and what the lookups read from the config. */
export interface CrmContactClients {
  hubspot?: HubspotApiClient;
  gohighlevel?: GoHighLevelApiClient;
  salesforce?: SalesforceApiClient;
  salesforceExternalIdField: string;
  /** Told when a deal has more contacts than are joined on. */
  onTooManyContacts?: (dealId: string, count: number) => void;
}

/**
 * The join's `crm_api` step for a change: its contacts as its CRM's API tells them, emails and phones hashed
 * at once; undefined when that CRM has no API client. HubSpot: the deal's associated contacts (or the
 * contact); HighLevel: the opportunity's contact (or the contact); Salesforce: the opportunity's contact
 * roles, else its account's contacts (or the lead, or the contact). A lookup throws on 429/5xx, so the job
 * is retried with back-off rather than the change marked unjoined.
 */
export function crmContactLookup(
  event: LifecycleEventRow,
  clients: CrmContactClients,
): (() => Promise<CrmContactFacts[]>) | undefined {
  const { hubspot, gohighlevel, salesforce } = clients;
  if (event.provider === 'hubspot' && hubspot) return () => hubspotContacts(event, hubspot, clients);
  if (event.provider === 'gohighlevel' && gohighlevel) return () => goHighLevelContacts(event, gohighlevel);
  if (event.provider === 'salesforce' && salesforce) {
    const record = { objectType: event.object_type, objectId: event.object_id };
    return () => salesforceContacts(salesforce, record, clients.salesforceExternalIdField);
  }
  return undefined;
}

async function goHighLevelContacts(event: LifecycleEventRow, api: GoHighLevelApiClient) {
  const contactId =
    event.object_type === 'contact' ? event.object_id : (await api.opportunity(event.object_id))?.contactId;
  const contact = contactId ? await api.contact(contactId) : null;
  return contact ? [contact] : [];
}

async function hubspotContacts(
  event: LifecycleEventRow,
  api: HubspotApiClient,
  clients: CrmContactClients,
): Promise<CrmContactFacts[]> {
  const ids = event.object_type === 'deal' ? await dealContactIds(event, api) : [event.object_id];
  const contacts: CrmContactFacts[] = [];
  for (const id of ids.slice(0, MAX_CRM_CONTACTS)) {
    const contact = await api.contact(id);
    if (!contact) continue;
    const email = contact.email ? normalizeEmail(contact.email) : undefined;
    const phones = [contact.phone, contact.mobilePhone]
      .filter((phone): phone is string => !!phone)
      .map((phone) => normalizePhone(phone, contact.country));
    contacts.push({
      id: contact.id,
      externalId: contact.externalId,
      emailHashes: email?.ok ? [sha256Hex(email.value)] : [],
      phoneHashes: phones.flatMap((phone) => (phone.ok ? [sha256Hex(phone.value)] : [])),
    });
  }
  if (ids.length > MAX_CRM_CONTACTS) clients.onTooManyContacts?.(event.object_id, ids.length);
  return contacts;
}

/** From the deal read the worker made for its value (cached); HubSpot's v4 paging when that list is paged. */
async function dealContactIds(event: LifecycleEventRow, api: HubspotApiClient): Promise<string[]> {
  const deal = await api.deal(event.object_id, event.occurred_at);
  if (!deal) return [];
  return deal.contactIdsComplete ? deal.contactIds : api.associatedContactIds(event.object_id);
}
