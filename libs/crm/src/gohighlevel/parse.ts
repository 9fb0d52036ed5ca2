// HighLevel marketplace-app webhook bodies (shared/reference/crm-webhooks.md §2.2) to LifecycleChange.
// One event per body, discriminated by `type`:
// - OpportunityStatusUpdate: stageField 'status', stage = status (open|won|lost|abandoned), won flag.
// - OpportunityStageUpdate: stageField 'pipelineStageId', stage = the stage id (mapped by config only).
// - ContactCreate/ContactUpdate: the documented schema has no lifecycle/stage field (only tags, dnd, custom
//   fields keyed by field id), so never a stage change: counted as ignored, its identity (hashed email and
//   phone, our external_id) returned in `identities`.
// - Any other type (ContactTagUpdate included: no documented schema) is ignored without validation.
import {
  CrmPayloadError,
  type CrmIdentityReveal,
  type JoinHints,
  type LifecycleChange,
  type ParsedDelivery,
} from '../lifecycle-change';
import {
  compositeKey,
  contactHashes,
  isObject,
  optAmount,
  optCurrency,
  optInstant,
  optObject,
  optString,
  records,
  reqString,
  type JsonObject,
} from './fields';

export { parseGoHighLevelWorkflowDelivery } from './parse-workflow';

export interface GoHighLevelParseOptions {
  /** When the delivery arrived; the change time when the payload carries none. Default: now. */
  receivedAt?: Date;
  /** Id of the contact custom field holding our external_id (`GHL_EXTERNAL_ID_FIELD`). */
  externalIdFieldId?: string;
}

/** Marketplace event types that carry a stage change. */
export const GOHIGHLEVEL_STAGE_EVENT_TYPES = ['OpportunityStatusUpdate', 'OpportunityStageUpdate'] as const;

export function parseGoHighLevelDelivery(
  body: unknown,
  options: GoHighLevelParseOptions = {},
): ParsedDelivery {
  if (!isObject(body)) throw new CrmPayloadError('body', 'must be a JSON object');
  const type = eventType(body);
  if (type === 'ContactUpdate' || type === 'ContactCreate') {
    // Validated so a malformed body is still answered 400; never a stage change, maybe an identity.
    const contact = parseGoHighLevelContactIdentity(body, { externalIdFieldId: options.externalIdFieldId })!;
    const { externalId, crmRecords, emailHashes, phoneHashes } = contact.hints;
    if (!externalId && !emailHashes.length && !phoneHashes.length) return { changes: [], ignored: 1 };
    const identity: CrmIdentityReveal = {
      provider: 'gohighlevel',
      tenant: contact.tenant,
      crmRecords,
      ...(externalId && { externalId }),
      emailHashes,
      phoneHashes,
    };
    return { changes: [], ignored: 1, identities: [identity] };
  }
  if (type !== 'OpportunityStatusUpdate' && type !== 'OpportunityStageUpdate') {
    return { changes: [], ignored: 1 };
  }
  const receivedAt = options.receivedAt ?? new Date();
  const tenant = reqString(body.locationId, 'body.locationId');
  const objectId = reqString(body.id, 'body.id');
  const status = optString(body.status, 'body.status');
  const pipeline = optString(body.pipelineId, 'body.pipelineId');

  let stageField: string;
  let stage: string;
  let won: boolean | undefined;
  let changeTime: string | undefined;
  const envelopeTime = optInstant(body.timestamp, 'body.timestamp');
  if (type === 'OpportunityStatusUpdate') {
    if (status === undefined) throw new CrmPayloadError('body.status', 'is required');
    stageField = 'status';
    stage = status.toLowerCase();
    won = stage === 'won';
    changeTime = envelopeTime ?? optInstant(body.lastStatusChangeAt, 'body.lastStatusChangeAt');
  } else {
    stageField = 'pipelineStageId';
    stage = reqString(body.pipelineStageId, 'body.pipelineStageId');
    changeTime = envelopeTime ?? optInstant(body.lastStageChangeAt, 'body.lastStageChangeAt');
  }
  // `dateAdded` is when the opportunity was created, not when it changed: never used as the change time.

  const value = optAmount(body.monetaryValue, 'body.monetaryValue');
  const currency = optCurrency(body.currency, 'body.currency');
  const webhookId = optString(body.webhookId, 'body.webhookId');
  const occurredAt = changeTime ?? receivedAt.toISOString();

  const change: LifecycleChange = {
    provider: 'gohighlevel',
    tenant,
    objectType: 'opportunity',
    objectId,
    ...(pipeline !== undefined && { pipeline }),
    stageField,
    stage,
    ...(won !== undefined && { won }),
    occurredAt,
    ...(value !== undefined && { value }),
    ...(currency !== undefined && { currency }),
    // webhookId is HighLevel's documented idempotency key. Without it, the key is built from the
    // change; its time part is blank when the payload has no time (receivedAt would differ per retry).
    dedupeKey: webhookId ?? compositeKey(type, tenant, objectId, stage, changeTime ?? ''),
    hints: opportunityHints(body, objectId),
  };
  return { changes: [change], ignored: 0 };
}

function eventType(body: JsonObject): string {
  if (body.type === undefined || body.type === null) throw new CrmPayloadError('body.type', 'is required');
  if (typeof body.type !== 'string') throw new CrmPayloadError('body.type', 'must be a string');
  return reqString(body.type, 'body.type');
}

function opportunityHints(body: JsonObject, opportunityId: string): JoinHints {
  const contactId = optString(body.contactId, 'body.contactId');
  const contact = optObject(body.contact, 'body.contact');
  const nestedId = contact && optString(contact.id, 'body.contact.id');
  return {
    crmRecords: records(
      { objectType: 'opportunity', id: opportunityId },
      contactId !== undefined ? { objectType: 'contact', id: contactId } : undefined,
      nestedId !== undefined ? { objectType: 'contact', id: nestedId } : undefined,
    ),
    ...contactHashes([
      { fields: body, prefix: 'body' },
      ...(contact ? [{ fields: contact, prefix: 'body.contact' }] : []),
    ]),
  };
}

export interface GoHighLevelContactIdentity {
  /** locationId */
  tenant: string;
  contactId: string;
  hints: JoinHints;
}

export interface GoHighLevelContactIdentityOptions {
  /**
   * Id of the location's custom field that holds our external_id (marketplace payloads key custom
   * fields by id, not by name). Without it, externalId is not read.
   */
  externalIdFieldId?: string;
}

/**
 * Identity carried by a ContactCreate/ContactUpdate event: the contact id, hashed email and phone, and
 * our external_id when the custom field id is known. Lets the caller link the HighLevel contact to a
 * journey; undefined for other event types.
 */
export function parseGoHighLevelContactIdentity(
  body: unknown,
  options: GoHighLevelContactIdentityOptions = {},
): GoHighLevelContactIdentity | undefined {
  if (!isObject(body)) throw new CrmPayloadError('body', 'must be a JSON object');
  const type = eventType(body);
  if (type !== 'ContactUpdate' && type !== 'ContactCreate') return undefined;
  const tenant = reqString(body.locationId, 'body.locationId');
  const contactId = reqString(body.id, 'body.id');
  const externalId = options.externalIdFieldId && customFieldValue(body, options.externalIdFieldId);
  return {
    tenant,
    contactId,
    hints: {
      ...(externalId ? { externalId } : {}),
      crmRecords: [{ objectType: 'contact', id: contactId }],
      ...contactHashes([{ fields: body, prefix: 'body' }]),
    },
  };
}

function customFieldValue(body: JsonObject, fieldId: string): string | undefined {
  const list = body.customFields;
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) throw new CrmPayloadError('body.customFields', 'must be an array');
  for (const [i, item] of list.entries()) {
    if (!isObject(item)) throw new CrmPayloadError(`body.customFields[${i}]`, 'must be an object');
    if (item.id !== fieldId) continue;
    const v = item.value;
    return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
  }
  return undefined;
}
