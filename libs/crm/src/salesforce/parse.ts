// Salesforce Outbound Message (SOAP 1.1) → LifecycleChange[]. Reference: crm-webhooks.md §3.2–3.8.
//
// - Opportunity → objectType `opportunity`, stage from StageName, `won` from IsWon, value/currency from
//   Amount/CurrencyIsoCode. Lead → `lead`, stage from Status.
// - Contact has no standard stage field: a Contact notification is counted in `ignored` unless the
//   caller names a stage-like field (`contactStageField`, e.g. a custom `Lifecycle_Stage__c`).
// - Other sObject types, deleted records (no data) and records without the stage field are ignored.
// - dedupeKey is the notification Id, which Salesforce keeps across redeliveries of one notification.
// - Email / Phone / MobilePhone are hashed here; raw values never reach the result.
import { normalizeEmail, normalizePhone, sha256Hex } from '@app/journey';
import {
  CrmPayloadError,
  type CrmIdentityReveal,
  type CrmObjectType,
  type CrmRecordRef,
  type LifecycleChange,
  type ParsedDelivery,
} from '../lifecycle-change';
import { OUTBOUND_NS, SOAP_ENVELOPE_NS, XSI_NS } from './namespaces';
import { isSalesforceId } from './org-id';
import { childrenNamed, isNil, parseSafeXml, type XmlElement } from './safe-xml';

/** The WSDL allows at most 100 `Notification` elements per message. */
export const SALESFORCE_MAX_NOTIFICATIONS = 100;
/**
 * Default body cap. A notification with the fields docs/crm/salesforce.md selects is under 1 KB, so 100 of
 * them fit many times over; raise it (maxBytes) only if long-text fields are added to the message.
 */
export const SALESFORCE_DEFAULT_MAX_BYTES = 1024 * 1024;

export interface SalesforceParseOptions {
  /** sObject field that carries our external_id (SALESFORCE_EXTERNAL_ID_FIELD, e.g. `Journey_External_Id__c`). */
  externalIdField: string;
  /** sObject field that carries a Meta Lead Ads lead id (SALESFORCE_LEAD_ID_FIELD), when configured. */
  leadIdField?: string;
  /** When the delivery arrived; `occurredAt` when the record has no LastModifiedDate/SystemModstamp. */
  receivedAt?: Date;
  /** Refuse larger bodies (UTF-8 bytes). Default SALESFORCE_DEFAULT_MAX_BYTES. */
  maxBytes?: number;
  /** Optional stage-like field on Contact; without it Contact notifications are ignored. */
  contactStageField?: string;
}

export type SalesforceDelivery = ParsedDelivery & {
  /** As sent (usually 18 characters); compare with orgIdMatches. */
  organizationId: string;
  /** Every notification Id in the message, in order, including ignored ones. */
  notificationIds: string[];
};

interface SObjectKind {
  objectType: CrmObjectType;
  stageField: string | undefined;
}

/** Field values of one sObject by local name: string, or null for xsi:nil / empty. First one wins. */
type Fields = Map<string, string | null>;

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const AMOUNT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const COUNTRY_FIELDS = ['CountryCode', 'Country', 'MailingCountryCode', 'MailingCountry'];

function textOf(el: XmlElement | undefined): string | undefined {
  if (el === undefined || isNil(el)) return undefined;
  const t = el.text.trim();
  return t === '' ? undefined : t;
}

function kindOf(sObject: XmlElement, options: SalesforceParseOptions): SObjectKind | undefined {
  const type = sObject.attrs.find((a) => a.local === 'type' && a.ns === XSI_NS)?.value.trim() ?? '';
  // xsi:type is a QName (`sf:Opportunity`, `ns1:Opportunity`, `Opportunity`): only its local part matters.
  switch (type.slice(type.indexOf(':') + 1)) {
    case 'Opportunity':
      return { objectType: 'opportunity', stageField: 'StageName' };
    case 'Lead':
      return { objectType: 'lead', stageField: 'Status' };
    case 'Contact':
      return { objectType: 'contact', stageField: options.contactStageField?.trim() || undefined };
    default:
      return undefined;
  }
}

function fieldsOf(sObject: XmlElement): Fields {
  const fields: Fields = new Map();
  for (const el of sObject.children) {
    if (fields.has(el.local) || el.children.length > 0) continue; // nested values are not fields we read
    fields.set(el.local, textOf(el) ?? null);
  }
  return fields;
}

/** Epoch ms of an ISO-8601 date-time with a zone, or NaN; impossible dates (Feb 30, 25:00) are NaN too. */
function isoInstant(raw: string): number {
  const m = ISO_DATE_TIME.exec(raw);
  if (m === null) return NaN;
  const [y, mo, d, h, mi] = [1, 2, 3, 4, 5].map((i) => Number(m[i]));
  const sec = Number(m[6] ?? 0);
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth || h > 23 || mi > 59 || sec > 59) return NaN;
  return Date.parse(raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}

function dateField(fields: Fields, name: string, at: string): string | undefined {
  const raw = fields.get(name);
  if (raw == null) return undefined;
  const ms = isoInstant(raw);
  if (Number.isNaN(ms)) throw new CrmPayloadError(`${at}.${name}`, 'is not an ISO-8601 date-time');
  return new Date(ms).toISOString();
}

function hashedContacts(fields: Fields): { emailHashes: string[]; phoneHashes: string[] } {
  const emails = new Set<string>();
  const phones = new Set<string>();
  const email = fields.get('Email');
  if (email) {
    const r = normalizeEmail(email);
    if (r.ok) emails.add(sha256Hex(r.value));
  }
  const country = COUNTRY_FIELDS.map((f) => fields.get(f)).find((v): v is string => !!v);
  for (const name of ['Phone', 'MobilePhone']) {
    const phone = fields.get(name);
    if (!phone) continue;
    const r = normalizePhone(phone, country);
    if (r.ok) phones.add(sha256Hex(r.value));
  }
  return { emailHashes: [...emails], phoneHashes: [...phones] };
}

function crmRecordsOf(kind: SObjectKind, objectId: string, fields: Fields): CrmRecordRef[] {
  const refs: CrmRecordRef[] = [{ objectType: kind.objectType, id: objectId }];
  // Only types in our contract: AccountId and ConvertedAccountId have no CrmObjectType and are skipped.
  const related: Array<[string, CrmObjectType]> = [
    ['ContactId', 'contact'],
    ['ConvertedContactId', 'contact'],
    ['ConvertedOpportunityId', 'opportunity'],
  ];
  for (const [field, objectType] of related) {
    const id = fields.get(field);
    if (id && isSalesforceId(id) && !refs.some((r) => r.objectType === objectType && r.id === id)) {
      refs.push({ objectType, id });
    }
  }
  return refs;
}

function toChange(
  notification: XmlElement,
  notificationId: string,
  organizationId: string,
  at: string,
  options: SalesforceParseOptions,
  receivedAt: Date,
): LifecycleChange | undefined {
  const sObject = notification.children.find((c) => c.local === 'sObject');
  // A record deleted before delivery arrives without data (§3.2): nothing to map.
  if (sObject === undefined || sObject.children.length === 0) return undefined;
  const kind = kindOf(sObject, options);
  if (kind === undefined || kind.stageField === undefined) return undefined;
  const fields = fieldsOf(sObject);
  const objectId = fields.get('Id');
  if (!objectId || !isSalesforceId(objectId)) {
    throw new CrmPayloadError(`${at}.sObject.Id`, 'must be a 15- or 18-character Salesforce id');
  }
  const stage = fields.get(kind.stageField);
  if (!stage) return undefined; // the field was not selected for this message, or is blank

  const change: LifecycleChange = {
    provider: 'salesforce',
    tenant: organizationId,
    objectType: kind.objectType,
    objectId,
    stageField: kind.stageField,
    stage,
    occurredAt:
      dateField(fields, 'LastModifiedDate', `${at}.sObject`) ??
      dateField(fields, 'SystemModstamp', `${at}.sObject`) ??
      receivedAt.toISOString(),
    dedupeKey: notificationId,
    hints: { crmRecords: crmRecordsOf(kind, objectId, fields), ...hashedContacts(fields) },
  };
  if (kind.objectType === 'opportunity') {
    const isWon = fields.get('IsWon');
    if (isWon != null) change.won = isWon.toLowerCase() === 'true';
    const amount = fields.get('Amount');
    if (amount != null) {
      const value = AMOUNT.test(amount) ? Number(amount) : NaN;
      if (!Number.isFinite(value)) throw new CrmPayloadError(`${at}.sObject.Amount`, 'is not a number');
      change.value = value;
    }
  }
  const currency = fields.get('CurrencyIsoCode');
  if (currency != null) {
    if (!/^[A-Za-z]{3}$/.test(currency)) {
      throw new CrmPayloadError(`${at}.sObject.CurrencyIsoCode`, 'is not an ISO 4217 code');
    }
    change.currency = currency.toUpperCase();
  }
  const externalId = fields.get(options.externalIdField.trim());
  if (externalId) change.hints.externalId = externalId;
  const leadId = options.leadIdField ? fields.get(options.leadIdField.trim()) : undefined;
  if (leadId) change.leadId = leadId;
  return change;
}

/**
 * Who the notification's record is, when it carries our external-id field, an email or a phone (any
 * Opportunity, Lead or Contact, stage change or not): its records' unjoined changes are tried again.
 */
function identityOf(
  notification: XmlElement,
  organizationId: string,
  options: SalesforceParseOptions,
): CrmIdentityReveal | undefined {
  const sObject = notification.children.find((c) => c.local === 'sObject');
  if (sObject === undefined || sObject.children.length === 0) return undefined;
  const kind = kindOf(sObject, options);
  if (kind === undefined) return undefined;
  const fields = fieldsOf(sObject);
  const objectId = fields.get('Id');
  if (!objectId || !isSalesforceId(objectId)) return undefined;
  const externalId = fields.get(options.externalIdField.trim()) ?? undefined;
  const hashes = hashedContacts(fields);
  if (!externalId && !hashes.emailHashes.length && !hashes.phoneHashes.length) return undefined;
  return {
    provider: 'salesforce',
    tenant: organizationId,
    crmRecords: crmRecordsOf(kind, objectId, fields),
    ...(externalId && { externalId }),
    ...hashes,
  };
}

/**
 * Parse one Outbound Message. Throws CrmPayloadError (`body` for the envelope, else the field's path)
 * for anything that is not a well-formed, DTD-free SOAP 1.1 `notifications` message of ≤ 100
 * notifications. The organization is checked against SALESFORCE_ORG_IDS by verify.ts, on this result.
 */
export function parseSalesforceOutboundMessage(
  rawXml: string,
  options: SalesforceParseOptions,
): SalesforceDelivery {
  const receivedAt = options.receivedAt ?? new Date();
  const root = parseSafeXml(rawXml, options.maxBytes ?? SALESFORCE_DEFAULT_MAX_BYTES);
  if (root.local !== 'Envelope' || root.ns !== SOAP_ENVELOPE_NS) {
    throw new CrmPayloadError('body', 'is not a SOAP 1.1 envelope');
  }
  const body = childrenNamed(root, 'Body', SOAP_ENVELOPE_NS);
  const message = body.length === 1 ? childrenNamed(body[0]!, 'notifications', OUTBOUND_NS) : [];
  if (message.length !== 1) throw new CrmPayloadError('body', 'is not a Salesforce outbound message');
  const notifications = message[0]!;

  const items = childrenNamed(notifications, 'Notification');
  if (items.length > SALESFORCE_MAX_NOTIFICATIONS) {
    throw new CrmPayloadError('body', `has more than ${SALESFORCE_MAX_NOTIFICATIONS} notifications`);
  }
  const organizationId = textOf(childrenNamed(notifications, 'OrganizationId')[0]);
  if (organizationId === undefined || !isSalesforceId(organizationId)) {
    throw new CrmPayloadError('OrganizationId', 'must be a 15- or 18-character Salesforce id');
  }

  const result: SalesforceDelivery = { organizationId, notificationIds: [], changes: [], ignored: 0 };
  items.forEach((notification, i) => {
    const at = `Notification[${i}]`;
    const id = textOf(childrenNamed(notification, 'Id')[0]);
    if (id === undefined || !isSalesforceId(id)) {
      throw new CrmPayloadError(`${at}.Id`, 'must be a 15- or 18-character Salesforce id');
    }
    result.notificationIds.push(id);
    const change = toChange(notification, id, organizationId, at, options, receivedAt);
    if (change) result.changes.push(change);
    else result.ignored++;
    const identity = identityOf(notification, organizationId, options);
    if (identity) (result.identities ??= []).push(identity);
  });
  return result;
}
