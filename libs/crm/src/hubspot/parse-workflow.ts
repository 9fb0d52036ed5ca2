// Workflow "Send a webhook" bodies (crm-webhooks.md §1.5): one CRM record, not an array. HubSpot does not
// publish the envelope, so this reads every shape seen in practice:
//   - object API shape   { id | objectId, objectType?, portalId, properties: { name: "value" } }
//   - legacy v1 shape    { vid | dealId, "portal-id" | portalId, properties: { name: { value, timestamp?, versions? } } }
//   - customised body    { portalId, objectId, objectType?, dealstage: "...", email: "...", ... } (flat)
// Contact data is normalised and hashed here; raw email or phone never reaches the result.
import { normalizeEmail, normalizePhone, sha256Hex } from '@app/journey';
import {
  CrmPayloadError,
  type CrmObjectType,
  type CrmRecordRef,
  type ParsedDelivery,
} from '../lifecycle-change';
import type { HubspotParseOptions } from './parse';
import { STAGE_FIELD, isRecord, isoFromMs, objectTypeOf, readEpochMs, readId } from './parse-util';

interface PropertyValue {
  value: string;
  /** When the value was set, when the body says (legacy `timestamp` or newest `versions[0].timestamp`). */
  timestamp?: number;
}

type Properties = (name: string) => PropertyValue | undefined;

function propertyReader(body: Record<string, unknown>): Properties {
  const bag = isRecord(body.properties) ? body.properties : body;
  return (name) => {
    const raw = bag[name];
    if (typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean') {
      const value = String(raw).trim();
      return value === '' ? undefined : { value };
    }
    if (!isRecord(raw)) return undefined;
    const inner = raw.value;
    if (typeof inner !== 'string' && typeof inner !== 'number' && typeof inner !== 'boolean')
      return undefined;
    const value = String(inner).trim();
    if (value === '') return undefined;
    const latest = Array.isArray(raw.versions) && isRecord(raw.versions[0]) ? raw.versions[0] : undefined;
    const timestamp = readEpochMs(raw.timestamp) ?? readEpochMs(latest?.timestamp);
    return timestamp === undefined ? { value } : { value, timestamp };
  };
}

/** Object type from an explicit field, else from legacy id fields, else from the stage property present. */
function objectTypeFrom(body: Record<string, unknown>, prop: Properties): CrmObjectType | null | undefined {
  const explicit = body.objectType ?? body.objectTypeId;
  if (explicit !== undefined && explicit !== null) return objectTypeOf(explicit) ?? null; // null: unsupported
  if (body.dealId !== undefined) return 'deal';
  if (body.vid !== undefined || body['canonical-vid'] !== undefined || body['is-contact'] === true)
    return 'contact';
  if (prop('dealstage')) return 'deal';
  if (prop('lifecyclestage')) return 'contact';
  return undefined; // hs_pipeline_stage alone is ambiguous (tickets, custom objects): needs objectType
}

function objectIdFrom(body: Record<string, unknown>, prop: Properties): string | undefined {
  const candidates = [body.objectId, body.id, body.dealId, body['canonical-vid'], body.vid];
  for (const candidate of candidates) {
    if (candidate !== undefined && candidate !== null) return readId(candidate);
  }
  return readId(prop('hs_object_id')?.value);
}

/** When the record entered the stage: the stage value's own timestamp, else a "date entered" property. */
function stageTimeFrom(
  prop: Properties,
  objectType: CrmObjectType,
  stage: PropertyValue,
): number | undefined {
  if (stage.timestamp !== undefined) return stage.timestamp;
  const names = [`hs_v2_date_entered_${stage.value}`, `hs_date_entered_${stage.value}`];
  if (objectType === 'contact') names.unshift(`hs_lifecyclestage_${stage.value}_date`);
  for (const name of names) {
    const ms = readEpochMs(prop(name)?.value);
    if (ms !== undefined) return ms;
  }
  return undefined;
}

function associatedContacts(body: Record<string, unknown>): CrmRecordRef[] {
  const assoc = isRecord(body.associations) ? body.associations : undefined;
  if (assoc === undefined) return [];
  const ids: unknown[] = Array.isArray(assoc.associatedVids) ? [...assoc.associatedVids] : [];
  const contacts = isRecord(assoc.contacts) ? assoc.contacts.results : undefined;
  if (Array.isArray(contacts)) ids.push(...contacts.map((c) => (isRecord(c) ? c.id : undefined)));
  const refs = ids.map(readId).filter((id): id is string => id !== undefined);
  return [...new Set(refs)].slice(0, 100).map((id) => ({ objectType: 'contact', id }));
}

function contactHashes(prop: Properties): { emailHashes: string[]; phoneHashes: string[] } {
  const emails = [prop('email')?.value, ...(prop('hs_additional_emails')?.value.split(';') ?? [])];
  const country = prop('hs_country_region_code')?.value ?? prop('country')?.value;
  const phones = [prop('phone')?.value, prop('mobilephone')?.value];
  const hash = (
    values: Array<string | undefined>,
    normalize: (raw: string) => ReturnType<typeof normalizeEmail>,
  ) => {
    const hashes = new Set<string>();
    for (const raw of values) {
      if (raw === undefined || raw.trim() === '') continue;
      const result = normalize(raw);
      if (result.ok) hashes.add(sha256Hex(result.value)); // a value that fails normalisation is not hinted
    }
    return [...hashes];
  };
  return {
    emailHashes: hash(emails, normalizeEmail),
    phoneHashes: hash(phones, (raw) => normalizePhone(raw, country)),
  };
}

/** Parses one workflow "Send a webhook" record. A record without its stage property is counted as ignored. */
export function parseHubspotWorkflowBody(
  body: Record<string, unknown>,
  options: HubspotParseOptions,
): ParsedDelivery {
  const prop = propertyReader(body);
  const objectType = objectTypeFrom(body, prop);
  const stageField = objectType ? STAGE_FIELD[objectType] : undefined;
  const stage = stageField === undefined ? undefined : prop(stageField);
  if (!objectType || stageField === undefined || stage === undefined) return { changes: [], ignored: 1 };

  const tenant = readId(body.portalId ?? body['portal-id']);
  if (tenant === undefined) {
    throw new CrmPayloadError(
      'body.portalId',
      'expected the HubSpot account (portal) id; add it to the body',
    );
  }
  const objectId = objectIdFrom(body, prop);
  if (objectId === undefined) throw new CrmPayloadError('body.objectId', 'expected the record id');

  const occurredAt = isoFromMs(
    stageTimeFrom(prop, objectType, stage) ?? (options.receivedAt ?? new Date()).getTime(),
  );
  const dedupeKey = sha256Hex(
    ['workflow', tenant, objectType, objectId, stageField, stage.value, occurredAt].join('|'),
  );

  const pipeline = prop('pipeline')?.value ?? prop('hs_pipeline')?.value;
  const amount = prop('amount')?.value;
  const value = amount === undefined ? undefined : Number(amount);
  const currency = prop('deal_currency_code')?.value.toUpperCase();
  const externalId = options.externalIdProperty ? prop(options.externalIdProperty)?.value : undefined;

  const crmRecords: CrmRecordRef[] = [{ objectType, id: objectId }];
  for (const ref of associatedContacts(body)) {
    if (!(objectType === 'contact' && ref.id === objectId)) crmRecords.push(ref);
  }

  return {
    changes: [
      {
        provider: 'hubspot',
        tenant,
        objectType,
        objectId,
        ...(pipeline !== undefined && { pipeline }),
        stageField,
        stage: stage.value,
        ...(objectType === 'deal' && prop('hs_is_closed_won')?.value === 'true' && { won: true }),
        occurredAt,
        ...(value !== undefined && Number.isFinite(value) && { value }),
        ...(currency !== undefined && /^[A-Z]{3}$/.test(currency) && { currency }),
        dedupeKey,
        hints: { ...(externalId !== undefined && { externalId }), crmRecords, ...contactHashes(prop) },
      },
    ],
    ignored: 0,
  };
}
