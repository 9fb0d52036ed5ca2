// Small readers shared by the HighLevel parsers. Rule: a required field that is missing or of the wrong
// JSON type, or an optional field of the wrong JSON type, is a CrmPayloadError naming it; an optional
// field whose content is unusable (a bad email, an unparseable date) is simply left out. JSON null
// counts as absent. Error messages never echo values (they may be PII).
import { normalizeEmail, normalizePhone, sha256Hex } from '@app/journey';
import { CrmPayloadError, type CrmRecordRef, type JoinHints } from '../lifecycle-change';

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object at `value`, or undefined when absent; anything else is an error naming `field`. */
export function optObject(value: unknown, field: string): JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new CrmPayloadError(field, 'must be an object');
  return value;
}

/** A trimmed non-blank string, or undefined when absent or blank. Numbers are accepted as ids. */
export function optString(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') throw new CrmPayloadError(field, 'must be a string');
  const s = value.trim();
  return s === '' ? undefined : s;
}

export function reqString(value: unknown, field: string): string {
  const s = optString(value, field);
  if (s === undefined) throw new CrmPayloadError(field, 'is required');
  return s;
}

/** A finite number (or a numeric string, as workflow custom data is text), or undefined. */
export function optAmount(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CrmPayloadError(field, 'must be a finite number');
    return value;
  }
  if (typeof value !== 'string') throw new CrmPayloadError(field, 'must be a number');
  const s = value.trim().replace(/,/g, '');
  if (s === '') return undefined;
  const n = Number(s);
  if (!Number.isFinite(n)) throw new CrmPayloadError(field, 'must be a number');
  return n;
}

/** ISO 4217 code upper-cased; a string that is not three letters is left out. */
export function optCurrency(value: unknown, field: string): string | undefined {
  const s = optString(value, field);
  return s !== undefined && /^[A-Za-z]{3}$/.test(s) ? s.toUpperCase() : undefined;
}

/**
 * An instant as ISO-8601, from an ISO string or an epoch number (seconds below 1e12, else
 * milliseconds). Unparseable strings are left out; other JSON types are an error.
 */
export function optInstant(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    ms = value < 1e12 ? value * 1000 : value;
  } else if (typeof value === 'string') {
    const s = value.trim();
    if (s === '') return undefined;
    ms = /^\d+(\.\d+)?$/.test(s) ? Number(s) * (Number(s) < 1e12 ? 1000 : 1) : Date.parse(s);
  } else {
    throw new CrmPayloadError(field, 'must be an ISO-8601 string');
  }
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** Contact data as found in a payload; every value is checked for its JSON type here. */
export interface RawContactFields {
  email?: unknown;
  phone?: unknown;
  country?: unknown;
}

/**
 * Hashes of the normalised email and phone (Meta rules, see @app/journey). Values that do not normalise
 * are not hinted. Raw values never leave this function.
 */
export function contactHashes(
  sources: { fields: RawContactFields; prefix: string }[],
): Pick<JoinHints, 'emailHashes' | 'phoneHashes'> {
  const emails = new Set<string>();
  const phones = new Set<string>();
  for (const { fields, prefix } of sources) {
    const email = optString(fields.email, `${prefix}.email`);
    const phone = optString(fields.phone, `${prefix}.phone`);
    const country = optString(fields.country, `${prefix}.country`);
    if (email !== undefined) {
      const r = normalizeEmail(email);
      if (r.ok) emails.add(sha256Hex(r.value));
    }
    if (phone !== undefined) {
      const r = normalizePhone(phone, country);
      if (r.ok) phones.add(sha256Hex(r.value));
    }
  }
  return { emailHashes: [...emails], phoneHashes: [...phones] };
}

/** crmRecords without duplicates, in order. */
export function records(...refs: (CrmRecordRef | undefined)[]): CrmRecordRef[] {
  const seen = new Set<string>();
  const out: CrmRecordRef[] = [];
  for (const ref of refs) {
    if (ref === undefined) continue;
    const key = `${ref.objectType}:${ref.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(ref);
  }
  return out;
}

/** sha256 hex of the parts joined with '|'; the fallback idempotency key when none is sent. */
export function compositeKey(...parts: string[]): string {
  return sha256Hex(parts.join('|'));
}
