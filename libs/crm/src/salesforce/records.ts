// Salesforce records for the lifecycle join and the reconciliation sweep, over SalesforceApiClient's SOQL:
// an opportunity's contacts (its ContactId, then its contact roles, primary first, else its account's
// contacts), a lead, and the Opportunity / Lead records modified since a time. Emails and phones are
// hashed the moment they are read: raw values never leave this file.
import { normalizeEmail, normalizePhone, sha256Hex } from '@app/journey';
import { textOf } from '../api-http';
import type { CrmObjectType, LifecycleChange } from '../lifecycle-change';
import type { CrmReconcileSource, ReconcilePage } from '../reconcile';
import {
  type SalesforceApiClient,
  type SalesforceRecord,
  soqlDateTime,
  soqlField,
  soqlId,
} from './api-client';
import { isSalesforceId } from './org-id';

/** A record's join keys, email and phones already hashed. */
export interface SalesforceContactFacts {
  id: string;
  externalId?: string;
  emailHashes: string[];
  phoneHashes: string[];
}

/** Contacts joined on at most (a deal with more is joined on these). */
export const SALESFORCE_MAX_CONTACTS = 10;

function hashed(
  record: SalesforceRecord,
  externalIdField: string,
  countryField: string,
): SalesforceContactFacts {
  const email = textOf(record.Email);
  const country = textOf(record[countryField]);
  const normalisedEmail = email === undefined ? undefined : normalizeEmail(email);
  const phones = [textOf(record.Phone), textOf(record.MobilePhone)]
    .filter((phone): phone is string => phone !== undefined)
    .map((phone) => normalizePhone(phone, country));
  const externalId = textOf(record[externalIdField]);
  return {
    id: textOf(record.Id)!,
    ...(externalId && { externalId }),
    emailHashes: normalisedEmail?.ok ? [sha256Hex(normalisedEmail.value)] : [],
    phoneHashes: [...new Set(phones.flatMap((phone) => (phone.ok ? [sha256Hex(phone.value)] : [])))],
  };
}

/** The contacts of a changed record, hashed; [] when it is gone or has none. */
export async function salesforceContacts(
  api: SalesforceApiClient,
  record: { objectType: string; objectId: string },
  externalIdField: string,
): Promise<SalesforceContactFacts[]> {
  const field = soqlField(externalIdField);
  if (record.objectType === 'lead') {
    const leads = await api.query(
      `SELECT Id, Email, Phone, MobilePhone, Country, ${field} FROM Lead WHERE Id = ${soqlId(record.objectId)}`,
    );
    return leads.map((lead) => hashed(lead, field, 'Country'));
  }
  const ids =
    record.objectType === 'opportunity'
      ? await opportunityContactIds(api, record.objectId)
      : [record.objectId];
  if (!ids.length) return [];
  const contacts = await api.query(
    `SELECT Id, Email, Phone, MobilePhone, MailingCountry, ${field} FROM Contact WHERE Id IN (${ids.map(soqlId).join(', ')})`,
  );
  const byId = new Map(contacts.map((contact) => [textOf(contact.Id), contact]));
  return ids.flatMap((id) => (byId.has(id) ? [hashed(byId.get(id)!, field, 'MailingCountry')] : []));
}

/** The opportunity's ContactId, then its contact roles (primary first), else its account's contacts. */
async function opportunityContactIds(api: SalesforceApiClient, opportunityId: string): Promise<string[]> {
  const [opportunity] = await api.query(
    `SELECT Id, AccountId, ContactId, (SELECT ContactId, IsPrimary FROM OpportunityContactRoles) FROM Opportunity WHERE Id = ${soqlId(opportunityId)}`,
  );
  if (!opportunity) return [];
  const roles = (
    (opportunity.OpportunityContactRoles as { records?: SalesforceRecord[] } | null)?.records ?? []
  )
    .slice()
    .sort((a, b) => Number(b.IsPrimary === true) - Number(a.IsPrimary === true));
  const ids = [textOf(opportunity.ContactId), ...roles.map((role) => textOf(role.ContactId))];
  const found = [...new Set(ids.filter((id): id is string => !!id && isSalesforceId(id)))];
  const accountId = textOf(opportunity.AccountId);
  if (found.length || !accountId || !isSalesforceId(accountId))
    return found.slice(0, SALESFORCE_MAX_CONTACTS);
  const contacts = await api.query(
    `SELECT Id FROM Contact WHERE AccountId = ${soqlId(accountId)} ORDER BY CreatedDate LIMIT ${SALESFORCE_MAX_CONTACTS}`,
  );
  return contacts.map((contact) => textOf(contact.Id)).filter((id): id is string => !!id);
}

/** Epoch ms of a Salesforce dateTime (`2026-11-30T11:00:00.000+0000`: a zone without its colon). */
function instantMs(value: unknown): number {
  return Date.parse((textOf(value) ?? '').replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

/** Records per sweep query; the next page starts at the last one's SystemModstamp. */
export const SALESFORCE_SWEEP_LIMIT = 200;

const SWEPT = {
  opportunity: {
    sObject: 'Opportunity',
    stageField: 'StageName',
    fields: 'Id, StageName, IsWon, Amount, ContactId, SystemModstamp',
  },
  lead: {
    sObject: 'Lead',
    stageField: 'Status',
    fields: 'Id, Status, Email, Phone, MobilePhone, Country, ConvertedContactId, SystemModstamp',
  },
} as const;

/**
 * Salesforce's side of the sweep: SOQL on `SystemModstamp` for Opportunity and Lead, oldest first. Outbound
 * Messages are keyed by their notification Id, which the API cannot know, so a reconciled change gets a key of
 * its own (object, stage and SystemModstamp), and one already stored by webhook is recognised by the
 * sweep's known-stage check. SystemModstamp is when the record last changed: the stage changed then or
 * earlier, so it is this change's time.
 */
export class SalesforceReconcileSource implements CrmReconcileSource {
  readonly provider = 'salesforce';
  readonly objects = ['opportunity', 'lead'] as const;

  constructor(private readonly api: SalesforceApiClient) {}

  async page(object: string, since: Date, next?: string): Promise<ReconcilePage> {
    const kind = SWEPT[object as keyof typeof SWEPT];
    if (!kind) throw new Error(`Salesforce sweep: unknown object ${object}`);
    const from = next ? new Date(next) : since;
    const [tenant, records] = await Promise.all([
      this.api.organizationId(),
      this.api.query(
        `SELECT ${kind.fields} FROM ${kind.sObject} WHERE SystemModstamp >= ${soqlDateTime(from)} ORDER BY SystemModstamp ASC LIMIT ${SALESFORCE_SWEEP_LIMIT}`,
      ),
    ]);
    if (!tenant) throw new Error('Salesforce sweep: the token names no organization');
    const changes = records.flatMap((record) => {
      const change = salesforceChange(object as keyof typeof SWEPT, tenant, record);
      return change ? [change] : [];
    });
    const last = instantMs(records.at(-1)?.SystemModstamp);
    const cursor = Number.isNaN(last) ? undefined : new Date(last);
    // A full page: more may share or follow its last time (re-read from it; the keys make that harmless).
    const more = records.length === SALESFORCE_SWEEP_LIMIT && cursor && cursor.getTime() > from.getTime();
    return { changes, ...(cursor && { cursor }), ...(more && { next: cursor.toISOString() }) };
  }
}

/** The change an Opportunity or Lead record shows: its stage as an Outbound Message would carry it. */
export function salesforceChange(
  object: 'opportunity' | 'lead',
  tenant: string,
  record: SalesforceRecord,
): LifecycleChange | undefined {
  const kind = SWEPT[object];
  const id = textOf(record.Id);
  const stage = textOf(record[kind.stageField]);
  const modstamp = instantMs(record.SystemModstamp);
  if (!id || !stage || Number.isNaN(modstamp)) return undefined;
  const occurredAt = new Date(modstamp).toISOString();
  const related: [unknown, CrmObjectType][] = [
    [record.ContactId, 'contact'],
    [record.ConvertedContactId, 'contact'],
  ];
  const contacts = object === 'lead' ? hashed(record, '', 'Country') : undefined;
  const amount = typeof record.Amount === 'number' ? record.Amount : undefined;
  return {
    provider: 'salesforce',
    tenant,
    objectType: object,
    objectId: id,
    stageField: kind.stageField,
    stage,
    ...(typeof record.IsWon === 'boolean' && { won: record.IsWon }),
    ...(amount !== undefined && { value: amount }),
    occurredAt,
    dedupeKey: sha256Hex(['reconcile', tenant, object, id, kind.stageField, stage, occurredAt].join('|')),
    hints: {
      crmRecords: [
        { objectType: object, id },
        ...related.flatMap(([value, objectType]) => {
          const ref = textOf(value);
          return ref && isSalesforceId(ref) ? [{ objectType, id: ref }] : [];
        }),
      ],
      emailHashes: contacts?.emailHashes ?? [],
      phoneHashes: contacts?.phoneHashes ?? [],
    },
  };
}
