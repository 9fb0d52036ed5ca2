// Turns a verified HubSpot delivery into LifecycleChanges (crm-webhooks.md §1.2, §1.5):
// a Webhooks API batch (JSON array of events) or a workflow "Send a webhook" body (one record object).
import { normalizeEmail, normalizePhone, sha256Hex } from '@app/journey';
import {
  CrmPayloadError,
  type CrmIdentityReveal,
  type LifecycleChange,
  type ParsedDelivery,
} from '../lifecycle-change';
import { parseHubspotWorkflowBody } from './parse-workflow';
import { STAGE_FIELD, isRecord, isoFromMs, objectTypeOf, readId } from './parse-util';

/** HubSpot sends "up to 100" events per request; a larger array is not a HubSpot delivery. */
export const HUBSPOT_MAX_BATCH = 100;

export interface HubspotParseOptions {
  /** Contact property that carries our external_id (`HUBSPOT_EXTERNAL_ID_PROPERTY`). */
  externalIdProperty: string;
  /** When the delivery arrived: the fallback time of a workflow body without a stage timestamp. */
  receivedAt?: Date;
}

/** Property-change subscriptions that carry a stage, and the object they are about. */
const PROPERTY_CHANGE_TYPES: Readonly<Record<string, 'deal' | 'contact'>> = {
  'deal.propertyChange': 'deal',
  'contact.propertyChange': 'contact',
};

/**
 * Parses a verified HubSpot delivery. Webhooks API events that are not a stage change (creations,
 * deletions, merges, other properties, the external-id property) are counted in `ignored`; so are exact
 * duplicates inside one batch. A contact's external-id, email or phone change is also an identity. Changes come back sorted by `occurredAt` (HubSpot does not order them).
 * Throws CrmPayloadError naming the field (e.g. `body[3].occurredAt`) when the body is not HubSpot's shape.
 */
export function parseHubspotDelivery(body: unknown, options: HubspotParseOptions): ParsedDelivery {
  if (Array.isArray(body)) return parseEvents(body, options);
  if (isRecord(body) && !('subscriptionType' in body) && !('eventType' in body)) {
    return parseHubspotWorkflowBody(body, options);
  }
  throw new CrmPayloadError('body', 'expected a JSON array of webhook events or a workflow record object');
}

function parseEvents(events: unknown[], options: HubspotParseOptions): ParsedDelivery {
  if (events.length > HUBSPOT_MAX_BATCH) {
    throw new CrmPayloadError('body', `expected at most ${HUBSPOT_MAX_BATCH} events, got ${events.length}`);
  }
  const changes: Array<{ change: LifecycleChange; ms: number }> = [];
  const seen = new Set<string>();
  const identities: CrmIdentityReveal[] = [];
  let ignored = 0;
  events.forEach((event, index) => {
    const parsed = parseEvent(event, `body[${index}]`);
    const identity = parsed === undefined ? contactIdentity(event, options) : undefined;
    if (identity) identities.push(identity);
    if (parsed === undefined || seen.has(parsed.change.dedupeKey)) {
      ignored += 1;
      return;
    }
    seen.add(parsed.change.dedupeKey);
    changes.push(parsed);
  });
  changes.sort((a, b) => a.ms - b.ms); // stable: equal times keep delivery order
  return { changes: changes.map((c) => c.change), ignored, ...(identities.length && { identities }) };
}

/** Contact properties whose change tells who the contact is. */
const PHONE_PROPERTIES = ['phone', 'mobilephone'];

/**
 * A contact property change that reveals identity: our external-id property, `email`, `phone` or
 * `mobilephone` (hashed here; a value that does not normalise, such as a national phone number without its
 * country code, reveals nothing). The event itself was
 * validated by parseEvent.
 */
function contactIdentity(event: unknown, options: HubspotParseOptions): CrmIdentityReveal | undefined {
  const e = event as Record<string, unknown>;
  const type = e.subscriptionType ?? e.eventType;
  const isContact =
    type === 'contact.propertyChange' || (type === 'object.propertyChange' && e.objectTypeId === '0-1');
  const objectId = readId(e.objectId);
  const value = typeof e.propertyValue === 'string' ? e.propertyValue.trim() : '';
  if (!isContact || objectId === undefined || value === '' || typeof e.propertyName !== 'string') {
    return undefined;
  }
  const reveal: CrmIdentityReveal = {
    provider: 'hubspot',
    tenant: readId(e.portalId)!,
    crmRecords: [{ objectType: 'contact', id: objectId }],
    emailHashes: [],
    phoneHashes: [],
  };
  if (e.propertyName === options.externalIdProperty) reveal.externalId = value;
  else if (e.propertyName === 'email') {
    const email = normalizeEmail(value);
    if (email.ok) reveal.emailHashes.push(sha256Hex(email.value));
  } else if (PHONE_PROPERTIES.includes(e.propertyName)) {
    const phone = normalizePhone(value);
    if (phone.ok) reveal.phoneHashes.push(sha256Hex(phone.value));
  }
  const revealsSomething = reveal.externalId || reveal.emailHashes.length || reveal.phoneHashes.length;
  return revealsSomething ? reveal : undefined;
}

function parseEvent(event: unknown, path: string): { change: LifecycleChange; ms: number } | undefined {
  if (!isRecord(event)) throw new CrmPayloadError(path, 'expected an event object');

  // Fields every event carries: validated even on events we then ignore.
  const type = event.subscriptionType ?? event.eventType;
  if (typeof type !== 'string' || type === '') {
    throw new CrmPayloadError(`${path}.subscriptionType`, 'expected a non-empty string');
  }
  const tenant = readId(event.portalId);
  if (tenant === undefined) throw new CrmPayloadError(`${path}.portalId`, 'expected a numeric id');
  const ms = event.occurredAt;
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms <= 0 || ms > 8.64e15) {
    throw new CrmPayloadError(`${path}.occurredAt`, 'expected epoch milliseconds');
  }

  const target = stageTarget(event, type, path);
  if (target === undefined) return undefined;
  // A change of the external-id property (or any other property) never gets here: not a stage change.
  const { objectType, stageField } = target;

  const objectId = readId(event.objectId);
  if (objectId === undefined) throw new CrmPayloadError(`${path}.objectId`, 'expected a numeric id');
  const value = event.propertyValue;
  if (value === undefined || value === null || value === '') return undefined; // stage cleared
  if (typeof value !== 'string' && typeof value !== 'number') {
    throw new CrmPayloadError(`${path}.propertyValue`, 'expected a string');
  }
  const stage = String(value);

  const dedupeKey = sha256Hex([tenant, type, objectId, stageField, stage, ms].join('|'));
  const change: LifecycleChange = {
    provider: 'hubspot',
    tenant,
    objectType,
    objectId,
    stageField,
    stage,
    occurredAt: isoFromMs(ms),
    dedupeKey,
    hints: { crmRecords: [{ objectType, id: objectId }], emailHashes: [], phoneHashes: [] },
  };
  return { change, ms };
}

/** Which object and stage property this event changes, or undefined when it is not a stage change. */
function stageTarget(
  event: Record<string, unknown>,
  type: string,
  path: string,
): { objectType: 'deal' | 'contact' | 'lead'; stageField: string } | undefined {
  let objectType: 'deal' | 'contact' | 'lead' | undefined = PROPERTY_CHANGE_TYPES[type];
  if (type === 'object.propertyChange') {
    if (typeof event.objectTypeId !== 'string') {
      throw new CrmPayloadError(`${path}.objectTypeId`, 'expected a string such as "0-3"');
    }
    // Only the raw ids are accepted here: generic subscriptions always send them.
    const generic = /^0-\d+$/.test(event.objectTypeId) ? objectTypeOf(event.objectTypeId) : undefined;
    if (generic === 'deal' || generic === 'contact' || generic === 'lead') objectType = generic;
    else return undefined;
  }
  if (objectType === undefined) return undefined;
  if (typeof event.propertyName !== 'string') {
    throw new CrmPayloadError(`${path}.propertyName`, 'expected a string');
  }
  const stageField = STAGE_FIELD[objectType];
  return stageField !== undefined && event.propertyName === stageField
    ? { objectType, stageField }
    : undefined;
}
