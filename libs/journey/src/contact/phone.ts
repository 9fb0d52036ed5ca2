// Phone → E.164 digits without '+' (Meta `ph`: "must include the country code"), parsed by libphonenumber-js.
// A number that cannot be made E.164 is an error: a national number hashed without its country code matches
// nobody (meta-capi.md §9 row 23), and neither does one with a guessed country.
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { normalizeCountry } from './country';
import { clean, fail, ok, type NormalizeResult } from './text';

// Extension markers, English and local-language. An extension is a PBX line behind the number: Meta profiles
// hold the subscriber number, so extension digits appended to it (what Meta's Parameter Builder does) would
// never match. Everything from the marker on is cut.
const EXTENSION_MARKERS = [
  'extension',
  'extensión',
  'extensão',
  'extn',
  'ext',
  'x',
  '#',
  'durchwahl', // de
  'dw',
  'nebenstelle',
  'poste', // fr
  'p\\.',
  'ramal', // pt
  'anexo', // es (CL, PE)
  'interno', // es, it
  'int\\.',
  'toestel', // nl
  'tst\\.',
  'wew\\.', // pl
  'доб', // ru (добавочный)
  'добавочный',
  'вн\\.',
  'kl\\.', // cs, sk (klapka)
  'linka',
  'mellék', // hu
  'dahili', // tr
  'ankn\\.', // sv
  'anknytning',
  '内線', // ja
  '分机', // zh
  '分機',
  '转',
  '轉',
  '내선', // ko
];
// The marker must follow the number (a digit, then at most separators), so `Tel #: 650…` and `Fax` stay.
const EXTENSION_TAIL = new RegExp(
  `(?<=\\d[\\s(),;.\\-/]*)(?:${EXTENSION_MARKERS.join('|')})\\.?\\s*[:=.]?\\s*\\d{1,8}(?!\\d).*$`,
  'isu',
);
// `tel:+1-650-555-1212;ext=99` (RFC 3966) and other `;parameter` tails.
const URI_PARAMS = /;[a-z-]+=.*$/i;

/** Characters a written phone number is made of, after NFKC (full-width digits) and dash unification. */
const NUMBER_CHARS = /^[\d\s().\-/+]+$/;

/** The region for national numbers: ISO2 (any case) or any country form normalizeCountry accepts. */
function phoneRegion(country: string | undefined): CountryCode | undefined {
  if (country === undefined) return undefined;
  const c = normalizeCountry(country);
  const upper = c.ok ? c.value.toUpperCase() : '';
  return upper && isSupportedCountry(upper) ? upper : undefined;
}

/**
 * The part of the text that is the number: from the first `+`, `(` or digit to the last digit, so
 * `Tel: +1 650 555 1212 (mobile)` yields `+1 650 555 1212`. Undefined when there is no digit.
 */
function numberSpan(text: string): string | undefined {
  const start = text.search(/\+[\s(]*\d|\(\s*\+|\(?\d/);
  if (start < 0) return undefined;
  const lastDigit = text.search(/\d(?!.*\d)/s);
  return text.slice(start, lastDigit + 1);
}

/**
 * International prefixes written out as digits become '+': `00` (ITU), `+00`/`+011`/`+0` (a '+' typed in front
 * of the dialled prefix), and `011` (North America) when no region says otherwise: with a region,
 * libphonenumber applies that country's own prefix, and `011` is a national area code elsewhere (Sapporo).
 */
function internationalForm(number: string, region: CountryCode | undefined): string {
  const compact = number.replace(/^\(\+(\d{1,3})\)/, '+$1 ');
  if (/^\+\s*011[\s\-.]+[1-9]/.test(compact)) return `+${compact.replace(/^\+\s*011/, '')}`;
  if (/^\+[\s(]*0/.test(compact)) return `+${compact.replace(/^\+[\s(]*0+\)?/, '')}`;
  if (/^00/.test(compact)) return `+${compact.slice(2)}`;
  if (region === undefined && /^011[\s\-.]*[1-9]/.test(compact)) return `+${compact.slice(3)}`;
  return compact;
}

/**
 * E.164 digits without '+'. `defaultCountry` (ISO2 any case, or a country name) is the region used for
 * national numbers; a national number with no region is an error, never sent without its country code.
 */
export function normalizePhone(raw: string, defaultCountry?: string): NormalizeResult {
  const s = clean(raw);
  if (s === undefined) return fail('phone is empty');
  if (s.length > 64) return fail('phone is too long');
  const text = s
    .normalize('NFKC')
    .replace(/[\p{Pd}\u2212]/gu, '-')
    .replace(/^tel:/i, '')
    .replace(URI_PARAMS, '');
  const withoutExtension = text.replace(EXTENSION_TAIL, '');
  const span = numberSpan(withoutExtension);
  if (span === undefined) return fail('phone has no digits');
  // Letters inside the number or glued to it (`12l2`, vanity `650-CALL-NOW`), unlike a note after a space.
  const after = withoutExtension.slice(withoutExtension.indexOf(span) + span.length);
  if (/\p{L}/u.test(span) || /^[-./]?\p{L}/u.test(after)) return fail('phone contains letters');
  if (!NUMBER_CHARS.test(span)) return fail('phone contains invalid characters');

  const region = phoneRegion(defaultCountry);
  const number = internationalForm(span, region);
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
  // `number` is E.164 without any extension libphonenumber itself recognised (`x`, `ext.`, `#`).
  const digits = parsed.number.slice(1);
  return /^\d{7,15}$/.test(digits) ? ok(digits) : fail('phone is not a possible number');
}
