// Contact-field normalisation following Meta's *documented* Customer Information Parameter rules
// (shared/reference/meta-capi.md §2.1, §8), not the Parameter Builder library's quirks.
// Error reasons are fixed strings so raw PII never leaks into logs.
import { isEmail } from 'class-validator';
import * as countries from 'i18n-iso-countries';
import en from 'i18n-iso-countries/langs/en.json';
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { CA_PROVINCES, US_STATES, caProvinceCode, usStateCode } from './regions';

countries.registerLocale(en);

export type NormalizeResult = { ok: true; value: string } | { ok: false; reason: string };

const ok = (value: string): NormalizeResult => ({ ok: true, value });
const fail = (reason: string): NormalizeResult => ({ ok: false, reason });

/** Trimmed NFC text, or undefined when the input is not a non-blank string (runtime data may be anything). */
function clean(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const s = raw.normalize('NFC').trim();
  return s === '' ? undefined : s;
}

/** Lowercase and drop whitespace, punctuation, symbols and control chars; letters of any script survive. */
function compactText(s: string): string {
  return s
    .toLowerCase()
    .normalize('NFC') // lowercasing can produce non-NFC sequences (e.g. Turkish İ)
    .replace(/[\p{P}\p{S}\s\p{Cc}]/gu, '');
}

export function normalizeEmail(raw: string): NormalizeResult {
  const s = clean(raw);
  if (s === undefined) return fail('email is empty');
  const v = s.toLowerCase();
  return isEmail(v) ? ok(v) : fail('email is not a valid address');
}

const PHONE_EXTENSION = /\s*(?:[,;]\s*)?(?:extension|ext\.?|x|#)\s*\d{1,7}$/i;
const PHONE_CHARS = /^\+?[\d\s().\-/]+$/;

/**
 * E.164 digits without '+'. `defaultCountry` (ISO2 any case, or a country name) is the region used for
 * national numbers; Meta requires the country code, so a national number with no country is an error.
 */
export function normalizePhone(raw: string, defaultCountry?: string): NormalizeResult {
  const s = clean(raw);
  if (s === undefined) return fail('phone is empty');
  if (s.length > 32) return fail('phone is too long');
  let number = s.replace(PHONE_EXTENSION, '');
  if (/\p{L}/u.test(number)) return fail('phone contains letters');
  if (!PHONE_CHARS.test(number)) return fail('phone contains invalid characters');
  // "00" is the ITU international prefix; treat it like '+'.
  if (number.startsWith('00')) number = `+${number.slice(2)}`;

  let region: CountryCode | undefined;
  if (defaultCountry !== undefined) {
    const c = normalizeCountry(defaultCountry);
    const upper = c.ok ? c.value.toUpperCase() : '';
    if (upper && isSupportedCountry(upper)) region = upper;
  }
  if (!number.startsWith('+') && region === undefined) {
    return fail('phone needs a country code or a country');
  }

  let parsed: ReturnType<typeof parsePhoneNumberFromString>;
  try {
    parsed = parsePhoneNumberFromString(number, region);
  } catch {
    parsed = undefined;
  }
  if (!parsed) return fail('phone is not a recognisable number');
  // isPossible (length check) rather than isValid: valid-range tables reject test numbers like 555.
  if (!parsed.isPossible()) return fail('phone is not a possible number');
  const digits = parsed.number.slice(1);
  return /^\d{7,15}$/.test(digits) ? ok(digits) : fail('phone is not a possible number');
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

/** Lowercase ISO2 of an optional country hint; undefined when absent or unrecognised. */
function countryHint(country?: string): string | undefined {
  if (country === undefined) return undefined;
  const c = normalizeCountry(country);
  return c.ok ? c.value : undefined;
}

/** State: US/CA names map to their 2-letter code; elsewhere lowercase without punctuation, never truncated. */
export function normalizeState(raw: string, country?: string): NormalizeResult {
  const s = clean(raw);
  if (s === undefined) return fail('state is empty');
  const c = countryHint(country);
  const v = compactText(s);
  if (c === 'us' || c === 'ca' || c === undefined) {
    const code =
      c === 'us' ? usStateCode(s) : c === 'ca' ? caProvinceCode(s) : (usStateCode(s) ?? caProvinceCode(s));
    if (code) return ok(code.toLowerCase());
    // With a known US/CA country only real codes are useful to Meta.
    if (c === 'us') return v.toUpperCase() in US_STATES ? ok(v) : fail('state is not a recognised US state');
    if (c === 'ca') {
      return v.toUpperCase() in CA_PROVINCES ? ok(v) : fail('state is not a recognised Canadian province');
    }
  }
  return v ? ok(v) : fail('state is empty');
}

const US_ZIP = /^\d{5}(-\d{4})?$/;

/** Zip: lowercase, no spaces or dashes; US keeps only the first 5 digits (ZIP+4 dropped). */
export function normalizeZip(raw: string, country?: string): NormalizeResult {
  const s = clean(raw);
  if (s === undefined) return fail('zip is empty');
  if (s.length > 32) return fail('zip is too long');
  const c = countryHint(country);
  const lower = s.toLowerCase();
  if (c === 'us' || (c === undefined && US_ZIP.test(lower))) {
    const m = /^(\d{5})(?:[-\s]?\d{4})?$/.exec(lower.replace(/\s+/g, ' '));
    return m?.[1] ? ok(m[1]) : fail('zip is not a valid US ZIP code');
  }
  const v = lower.replace(/[\s\p{Pd}]/gu, '');
  return v.length >= 2 ? ok(v) : fail('zip is too short');
}

// Names people use that are not ISO short names (or that i18n-iso-countries would not resolve).
const COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  uk: 'gb',
  greatbritain: 'gb',
  england: 'gb',
  scotland: 'gb',
  wales: 'gb',
  northernireland: 'gb',
  britain: 'gb',
  us: 'us',
  usa: 'us',
  america: 'us',
  unitedstatesofamerica: 'us',
};

/** Country: ISO alpha-2/alpha-3 or English name → lowercase alpha-2. Unknown is an error (never truncated). */
export function normalizeCountry(raw: string): NormalizeResult {
  const s = clean(raw);
  if (s === undefined) return fail('country is empty');
  const alias = COUNTRY_ALIASES[compactText(s)];
  if (alias) return ok(alias);
  const upper = s.toUpperCase();
  if (/^[A-Z]{2}$/.test(upper)) {
    return countries.isValid(upper) ? ok(upper.toLowerCase()) : fail('country is not a recognised ISO code');
  }
  if (/^[A-Z]{3}$/.test(upper)) {
    const a2 = countries.alpha3ToAlpha2(upper);
    if (a2) return ok(a2.toLowerCase());
  }
  const name = s.replace(/^the\s+/i, '');
  const a2 = countries.getAlpha2Code(name, 'en') ?? countries.getSimpleAlpha2Code(name, 'en');
  return a2 ? ok(a2.toLowerCase()) : fail('country is not recognised');
}

const DOB_PATTERNS: ReadonlyArray<[RegExp, (m: RegExpExecArray) => [number, number, number]]> = [
  // ISO datetime: the calendar date part is the birth date; the time/zone is irrelevant.
  [
    /^(\d{4})-(\d{2})-(\d{2})[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$/i,
    (m) => [+m[1]!, +m[2]!, +m[3]!],
  ],
  [/^(\d{4})([-/])(\d{1,2})\2(\d{1,2})$/, (m) => [+m[1]!, +m[3]!, +m[4]!]],
  [/^(\d{4})(\d{2})(\d{2})$/, (m) => [+m[1]!, +m[2]!, +m[3]!]],
  // Slashes: US month-first (Meta's own example 2/16/1997), unless the first number can only be a day.
  [
    /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/,
    (m) => (+m[1]! > 12 ? [+m[3]!, +m[2]!, +m[1]!] : [+m[3]!, +m[1]!, +m[2]!]),
  ],
  // Dots are the European day-first convention.
  [/^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, (m) => [+m[3]!, +m[2]!, +m[1]!]],
];

/** Date of birth → `YYYYMMDD`; a real calendar date, year 1900..now, not in the future (UTC). */
export function normalizeDateOfBirth(raw: string, now: Date = new Date()): NormalizeResult {
  const s = clean(raw);
  if (s === undefined) return fail('date of birth is empty');
  let ymd: [number, number, number] | undefined;
  for (const [re, pick] of DOB_PATTERNS) {
    const m = re.exec(s);
    if (m) {
      ymd = pick(m);
      break;
    }
  }
  if (!ymd) return fail('date of birth has an unrecognised format');
  const [y, mo, d] = ymd;
  if (mo < 1 || mo > 12) return fail('date of birth has an invalid month');
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d < 1 || d > daysInMonth) return fail('date of birth is not a real calendar date');
  const value = `${String(y).padStart(4, '0')}${String(mo).padStart(2, '0')}${String(d).padStart(2, '0')}`;
  const today = now.toISOString().slice(0, 10).replace(/-/g, '');
  if (value > today) return fail('date of birth is in the future');
  if (y < 1900) return fail('date of birth year is before 1900');
  return ok(value);
}

const FEMALE = new Set(['f', 'female', 'woman', 'w']);
const MALE = new Set(['m', 'male', 'man']);

/** Gender → `f` or `m`; anything else is an error rather than a guess. */
export function normalizeGender(raw: string): NormalizeResult {
  const v = clean(raw)?.toLowerCase();
  if (v !== undefined && FEMALE.has(v)) return ok('f');
  if (v !== undefined && MALE.has(v)) return ok('m');
  return fail('gender is not recognised');
}
