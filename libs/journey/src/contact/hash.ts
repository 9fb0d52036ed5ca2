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
import { e164, googleEmail, type PlatformHashKey } from './platform-keys';

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
  /** Meta's keys: what the form answer lists in `keys`. */
  hashes: Partial<Record<ContactKey, string>>;
  /** Other platforms' forms of the same email and phone (see platform-keys.ts); stored, never in `keys`. */
  platformHashes: Partial<Record<PlatformHashKey, string>>;
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

  const normalised: Partial<Record<ContactField, string>> = {};
  for (const field of CONTACT_FIELDS) {
    const raw = input[field];
    if (!provided(raw)) continue;
    const result = normalizers[field](raw as string);
    if (result.ok) {
      normalised[field] = result.value;
      hashes[CONTACT_KEY_BY_FIELD[field]] = sha256Hex(result.value);
    } else errors.push({ field, reason: result.reason });
  }
  return { hashes, platformHashes: platformHashes(normalised.email, normalised.phone), errors };
}

/**
 * The other platforms' hashes of an email and phone as Meta's normalisers return them (the one place they
 * are derived): `em_google` only when Google's form differs, `ph_e164` whenever there is a phone.
 */
export function platformHashes(
  normalisedEmail: string | undefined,
  phoneDigits: string | undefined,
): Partial<Record<PlatformHashKey, string>> {
  const result: Partial<Record<PlatformHashKey, string>> = {};
  if (normalisedEmail !== undefined) {
    const google = googleEmail(normalisedEmail);
    if (google !== normalisedEmail) result.em_google = sha256Hex(google);
  }
  if (phoneDigits !== undefined) result.ph_e164 = sha256Hex(e164(phoneDigits));
  return result;
}
