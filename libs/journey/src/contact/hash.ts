// Normalise a raw contact and SHA-256 each field for Meta CAPI `user_data` (plain 64-hex, no PB appendix).
import { createHash } from 'node:crypto';
import {
  CONTACT_FIELDS,
  CONTACT_KEY_BY_FIELD,
  type ContactField,
  type ContactKey,
  type RawContact,
} from './contact-keys';
import {
  normalizeCity,
  normalizeCountry,
  normalizeDateOfBirth,
  normalizeEmail,
  normalizeGender,
  normalizeName,
  normalizePhone,
  normalizeState,
  normalizeZip,
  type NormalizeResult,
} from './normalize';

/** Lowercase hex SHA-256 of the UTF-8 bytes. */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

export interface ContactFieldError {
  /** Wire field name, e.g. `email`. */
  field: string;
  reason: string;
}

export interface HashedContact {
  hashes: Partial<Record<ContactKey, string>>;
  errors: ContactFieldError[];
}

/** Blank values count as "not provided", not as errors. */
function provided(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  return typeof value !== 'string' || value.trim() !== '';
}

export function normalizeAndHashContact(input: RawContact): HashedContact {
  const hashes: Partial<Record<ContactKey, string>> = {};
  const errors: ContactFieldError[] = [];

  // The country is context for phone (default region), state and zip, so resolve it first.
  const countryResult = provided(input.country) ? normalizeCountry(input.country as string) : undefined;
  const country = countryResult?.ok ? countryResult.value : undefined;

  const normalizers: Record<ContactField, (raw: string) => NormalizeResult> = {
    email: normalizeEmail,
    phone: (raw) => normalizePhone(raw, country),
    first_name: normalizeName,
    last_name: normalizeName,
    city: normalizeCity,
    state: (raw) => normalizeState(raw, country),
    zip: (raw) => normalizeZip(raw, country),
    country: (raw) => countryResult ?? normalizeCountry(raw),
    date_of_birth: (raw) => normalizeDateOfBirth(raw),
    gender: normalizeGender,
  };

  for (const field of CONTACT_FIELDS) {
    const raw = input[field];
    if (!provided(raw)) continue;
    const result = normalizers[field](raw as string);
    if (result.ok) hashes[CONTACT_KEY_BY_FIELD[field]] = sha256Hex(result.value);
    else errors.push({ field, reason: result.reason });
  }
  return { hashes, errors };
}
