// Date of birth → `YYYYMMDD` (Meta `db`), from the ways people write a date in a form.
import { clean, fail, ok, type NormalizeResult } from './text';

const MONTHS: Readonly<Record<string, number>> = {
  january: 1,
  february: 2,
  march: 3,
  april: 4,
  may: 5,
  june: 6,
  july: 7,
  august: 8,
  september: 9,
  october: 10,
  november: 11,
  december: 12,
};

/** Month number of an English month name, full or abbreviated to at least 3 letters (`Feb`, `Sept`). */
function monthNumber(word: string): number | undefined {
  if (word.length < 3) return undefined;
  for (const [name, n] of Object.entries(MONTHS)) if (name.startsWith(word)) return n;
  return undefined;
}

// Countries writing month first: the US and the territories using its conventions. Elsewhere day first.
const MONTH_FIRST = new Set(['us', 'pr', 'gu', 'vi', 'as', 'mp', 'um']);

type Order = 'mdy' | 'dmy';

/** The order a trailing annotation such as `(mm/dd/yyyy)` or `[DD.MM.YYYY]` states, if it states one. */
function annotatedOrder(annotation: string): Order | undefined {
  const letters = annotation.toLowerCase().replace(/[^dmy]/g, '');
  const squeezed = letters.replace(/(.)\1+/g, '$1');
  if (squeezed === 'mdy') return 'mdy';
  if (squeezed === 'dmy') return 'dmy';
  return undefined;
}

// `T`/space time part of an ISO datetime: the calendar date is the birth date, the time and zone are noise.
const ISO_DATETIME =
  /^(\d{4})-(\d{1,2})-(\d{1,2})[t ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:z|[+-]\d{2}:?\d{2})?$/;
// CJK year/month/day markers: 1997年2月16日, 1997년 2월 16일.
const CJK_DATE = /^(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일号]?$/;
const SEPARATORS = /[\s/.,\-–—]+/;
const WEEKDAY = /^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?$/;
// A time after the date (`2/16/1997 12:00:00 AM`, spreadsheet and CRM exports) says nothing about the day.
const TRAILING_TIME = /\s+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[ap]\.?m\.?)?$/;

/** [year, month, day] read from the text, or undefined when it is not a full date with a 4-digit year. */
function readDate(text: string, monthFirst: boolean): [number, number, number] | undefined {
  const iso = ISO_DATETIME.exec(text) ?? CJK_DATE.exec(text);
  if (iso) return [+iso[1]!, +iso[2]!, +iso[3]!];
  if (/^\d{8}$/.test(text)) return [+text.slice(0, 4), +text.slice(4, 6), +text.slice(6, 8)];

  // Words: ordinals (`16th`), `of` and the weekday (`Sunday, February 16, 1997`) carry no information.
  const tokens = text
    .replace(/(\d)(?:st|nd|rd|th)\b/g, '$1')
    .split(SEPARATORS)
    .filter((t) => t !== '' && t !== 'of' && !WEEKDAY.test(t));
  if (tokens.length !== 3) return undefined;

  const monthIndex = tokens.findIndex((t) => /^\p{L}+$/u.test(t));
  if (monthIndex >= 0) {
    const month = monthNumber(tokens[monthIndex]!);
    const numbers = tokens.filter((_t, i) => i !== monthIndex);
    if (month === undefined || !numbers.every((t) => /^\d+$/.test(t))) return undefined;
    const yearIndex = numbers.findIndex((t) => t.length === 4);
    const day = numbers[1 - yearIndex];
    if (yearIndex < 0 || day === undefined || day.length > 2) return undefined;
    return [+numbers[yearIndex]!, month, +day];
  }

  if (!tokens.every((t) => /^\d+$/.test(t))) return undefined;
  const [a, b, c] = tokens as [string, string, string];
  if (a.length === 4 && b.length <= 2 && c.length <= 2) return [+a, +b, +c];
  if (c.length !== 4 || a.length > 2 || b.length > 2) return undefined; // two-digit years: century unknown
  // A part above 12 can only be the day; otherwise the country's convention decides.
  if (+a > 12) return [+c, +b, +a];
  if (+b > 12) return [+c, +a, +b];
  return monthFirst ? [+c, +a, +b] : [+c, +b, +a];
}

/**
 * Date of birth → `YYYYMMDD`: a real calendar date, year 1900 or later, not in the future (UTC `now`).
 * Accepts ISO dates and datetimes, `/ - . –` or space separators, English month names, CJK markers and a
 * trailing annotation such as `(mm/dd/yyyy)`. An ambiguous day/month order follows the annotation, else
 * `country` (ISO2: US month first, elsewhere day first), else month first like Meta's own example
 * `2/16/1997` (but day first for dotted dates, a day-first convention only).
 */
export function normalizeDateOfBirth(raw: string, now: Date = new Date(), country?: string): NormalizeResult {
  const s = clean(raw);
  if (s === undefined) return fail('date of birth is empty');
  let text = s.normalize('NFKC').toLowerCase();
  let order: Order | undefined;
  const annotation = /\s*[([]([^)\]]*)[)\]]$/.exec(text);
  if (annotation) {
    order = annotatedOrder(annotation[1]!);
    text = text.slice(0, annotation.index).trim();
  }
  text = text.replace(TRAILING_TIME, '');
  const c = country?.toLowerCase();
  // With no country, keep the US reading except for dotted dates, which only day-first countries write.
  const dotted = /^\d{1,2}\.\s?\d{1,2}\.\s?\d{4}$/.test(text);
  const monthFirst = order ? order === 'mdy' : c !== undefined ? MONTH_FIRST.has(c) : !dotted;

  const ymd = readDate(text, monthFirst);
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
