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

/** What the form itself does not say, used where the form has no `country`. */
export interface ContactContext {
  /** The visitor's derived country (countryFromHints), ISO alpha-2 in any case. */
  countryHint?: string;
  /** The installation's DEFAULT_COUNTRY setting, ISO alpha-2 in any case. */
  defaultCountry?: string;
  /** "Today" for the date-of-birth checks; defaults to the current time. */
  now?: Date;
}

/** Lowercase ISO2 of a context country, or undefined when absent or not a real country. */
function contextCountry(value: string | undefined): string | undefined {
  if (!provided(value)) return undefined;
  const c = normalizeCountry(value as string);
  return c.ok ? c.value : undefined;
}

/**
 * Normalise and hash every provided field. A value that fails to normalise is left out of `hashes` and
 * reported in `errors` with a fixed-text reason (never the value); the other fields are still hashed.
 */
export function normalizeAndHashContact(input: RawContact, context: ContactContext = {}): HashedContact {
  const hashes: Partial<Record<ContactKey, string>> = {};
  const errors: ContactFieldError[] = [];

  // The form's country is the address country (state, zip). Phone region and date order fall back to the
  // visitor's country hint, then the default country: they only pick a reading convention.
  const countryResult = provided(input.country) ? normalizeCountry(input.country as string) : undefined;
  const country = countryResult?.ok ? countryResult.value : undefined;
  const region = country ?? contextCountry(context.countryHint) ?? contextCountry(context.defaultCountry);

  const normalizers: Record<ContactField, (raw: string) => NormalizeResult> = {
    email: normalizeEmail,
    phone: (raw) => normalizePhone(raw, region),
    first_name: normalizeName,
    last_name: normalizeName,
    city: normalizeCity,
    state: (raw) => normalizeState(raw, country),
    zip: (raw) => normalizeZip(raw, country),
    country: (raw) => countryResult ?? normalizeCountry(raw),
    date_of_birth: (raw) => normalizeDateOfBirth(raw, context.now, region),
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
