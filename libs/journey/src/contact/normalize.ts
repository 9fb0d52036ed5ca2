// Contact-field normalisation following Meta's *documented* Customer Information Parameter rules
// (shared/reference/meta-capi.md §2.1, §8), not the Parameter Builder library's quirks.
// Error reasons are fixed strings so raw PII never leaks into logs. Phone, date of birth and country live
// in their own files and are re-exported here.
import { isEmail } from 'class-validator';
import { normalizeCountry } from './country';
import { US_STATES, usStateCode } from './regions';
import { clean, compactText, fail, ok, type NormalizeResult } from './text';

export { normalizeCountry } from './country';
export { normalizeDateOfBirth } from './date-of-birth';
export { normalizePhone } from './phone';
export type { NormalizeResult } from './text';

/** Email: trimmed and lowercased (Meta); an address that cannot exist is an error. */
export function normalizeEmail(raw: string): NormalizeResult {
  const s = clean(raw);
  if (s === undefined) return fail('email is empty');
  const v = s.replace(/^mailto:/i, '').toLowerCase();
  return isEmail(v) ? ok(v) : fail('email is not a valid address');
}

/** First or last name: lowercase, no spaces or punctuation, accents and non-Latin scripts kept. */
export function normalizeName(raw: string): NormalizeResult {
  const s = clean(raw);
  const v = s === undefined ? '' : compactText(s);
  return v ? ok(v) : fail('name is empty');
}

/** City: same as names (Meta: no punctuation, no spaces, UTF-8 allowed — so `Zürich` → `zürich`). */
export function normalizeCity(raw: string): NormalizeResult {
  const s = clean(raw);
  const v = s === undefined ? '' : compactText(s);
  return v ? ok(v) : fail('city is empty');
}

/** Lowercase ISO2 of the address country (any form normalizeCountry accepts); undefined if unknown. */
function addressCountry(country?: string): string | undefined {
  if (country === undefined) return undefined;
  const c = normalizeCountry(country);
  return c.ok ? c.value : undefined;
}

/**
 * State: US names and abbreviations map to their 2-letter code; everywhere else (Canada included) Meta's
 * documented rule: lowercase, no punctuation, special characters or spaces, UTF-8 letters kept, never truncated.
 */
export function normalizeState(raw: string, country?: string): NormalizeResult {
  const s = clean(raw);
  if (s === undefined) return fail('state is empty');
  const c = addressCountry(country);
  const v = compactText(s);
  if (c === 'us' || c === undefined) {
    const code = usStateCode(s);
    if (code) return ok(code.toLowerCase());
    // With the US known, only real codes are useful to Meta.
    if (c === 'us')
      return Object.hasOwn(US_STATES, v.toUpperCase()) ? ok(v) : fail('state is not a recognised US state');
  }
  return v ? ok(v) : fail('state is empty');
}

// Countries and territories on US ZIP codes, where Meta wants the first five digits only.
const ZIP_COUNTRIES = new Set(['us', 'pr', 'gu', 'vi', 'as', 'mp']);
// ZIP or ZIP+4 written with a dash, space, dot or nothing between the parts.
const US_ZIP = /^(\d{5})(?:[-\s.]?\d{4})?$/;

/**
 * Zip: lowercase, no spaces or dashes (UK `M1 1AE` → `m11ae`, Meta's example); US ZIP+4 → first 5 digits.
 * Without a country, only an unmistakable ZIP+4 (`94105-1234`) is read as a US ZIP.
 */
export function normalizeZip(raw: string, country?: string): NormalizeResult {
  const s = clean(raw);
  if (s === undefined) return fail('zip is empty');
  if (s.length > 32) return fail('zip is too long');
  const c = addressCountry(country);
  const text = s
    .toLowerCase()
    .replace(/[\p{Pd}]/gu, '-')
    .replace(/\s+/g, ' ');
  const zip = US_ZIP.exec(text);
  if (c === 'us' && !zip) return fail('zip is not a valid US ZIP code');
  if (zip && (ZIP_COUNTRIES.has(c ?? '') || (c === undefined && /^\d{5}[-\s.]\d{4}$/.test(text)))) {
    return ok(zip[1]!);
  }
  const v = text.replace(/[\s-]/g, '');
  return v.length >= 2 ? ok(v) : fail('zip is too short');
}

const FEMALE = new Set([
  'f',
  'female',
  'woman',
  'w',
  'weiblich',
  'frau',
  'femme',
  'féminin',
  'mujer',
  'femenino',
  'feminino',
  'mulher',
  'donna',
  'femmina',
]);
const MALE = new Set([
  'm',
  'male',
  'man',
  'männlich',
  'mann',
  'homme',
  'masculin',
  'hombre',
  'masculino',
  'homem',
  'uomo',
  'maschio',
]);

/**
 * Gender → `f` or `m` (Meta's single lowercase initial) from the word in a few languages; titles and
 * pronouns (`Mr`, `she`) and anything else are an error rather than a guess.
 */
export function normalizeGender(raw: string): NormalizeResult {
  const v = clean(raw)?.toLowerCase().replace(/[.\s]/g, '');
  if (v !== undefined && FEMALE.has(v)) return ok('f');
  if (v !== undefined && MALE.has(v)) return ok('m');
  return fail('gender is not recognised');
}
