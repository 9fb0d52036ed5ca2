// The visitor's likely country, derived from what a request or browser tells us. It is only a hint: it picks
// the region of a national phone number and the day/month order of a date when the form has no country.
import { getAllTimezones, getTimezone } from 'countries-and-timezones';
import * as countries from 'i18n-iso-countries';
import { normalizeCountry } from './country';

export interface CountryHints {
  /** An explicit country, e.g. an edge/CDN geo header: ISO alpha-2/alpha-3 or a country name. */
  country?: string;
  /** A BCP 47 locale (`en-GB`, `pt_BR`) or an Accept-Language value (`de-CH,de;q=0.9`). */
  locale?: string;
  /** An IANA time zone, e.g. `Europe/Berlin` (`Intl.DateTimeFormat().resolvedOptions().timeZone`). */
  timeZone?: string;
}

/**
 * Lowercase ISO alpha-2 of the visitor's country, or undefined when nothing points to a real country.
 *
 * Precedence, strongest signal first:
 * 1. `country`, when it is a real country (geo headers also send placeholders such as `XX` or `T1`).
 * 2. The time zone, when it belongs to exactly one country: people set their clock to where they are, while a
 *    browser locale is often a default (`en-US` is used worldwide).
 * 3. A time zone shared by several countries (tzdb links, e.g. `Europe/Zurich` covers CH, DE and LI): the
 *    locale's region when it is one of them, else the zone's principal country (tzdb lists it first).
 * 4. No or unknown time zone, or one without a country (`Etc/UTC`): the locale's region, if it has one.
 *    A locale without a region (`de`) is never expanded to a guessed one.
 */
export function countryFromHints(hints: CountryHints): string | undefined {
  const explicit = hints.country === undefined ? undefined : normalizeCountry(hints.country);
  if (explicit?.ok) return explicit.value;

  const zoneCountries = timeZoneCountries(hints.timeZone);
  const localeCountry = localeRegion(hints.locale);
  if (zoneCountries.length === 1) return zoneCountries[0];
  if (zoneCountries.length > 1) {
    return localeCountry !== undefined && zoneCountries.includes(localeCountry)
      ? localeCountry
      : zoneCountries[0];
  }
  return localeCountry;
}

let zonesByLowerName: ReadonlyMap<string, string> | undefined;

/** Lowercase ISO2 codes of the countries using an IANA zone (principal first); [] when unknown. */
function timeZoneCountries(timeZone: string | undefined): string[] {
  if (typeof timeZone !== 'string') return [];
  const name = timeZone.trim();
  if (name === '') return [];
  // IANA names are case-sensitive in the table, but hand-typed or logged values are not always.
  zonesByLowerName ??= new Map(
    Object.keys(getAllTimezones({ deprecated: true })).map((z) => [z.toLowerCase(), z]),
  );
  const canonical = zonesByLowerName.get(name.toLowerCase());
  const zone = canonical === undefined ? null : getTimezone(canonical);
  return (zone?.countries ?? []).filter((c) => countries.isValid(c)).map((c) => c.toLowerCase());
}

/** Lowercase ISO2 region of the first locale tag, or undefined (no region, UN M.49 area like `419`, bad tag). */
function localeRegion(locale: string | undefined): string | undefined {
  if (typeof locale !== 'string') return undefined;
  // Accept-Language: only the first (preferred) tag says anything about the visitor; drop its q-weight.
  const tag = locale.split(',')[0]?.split(';')[0]?.trim().replace(/_/g, '-');
  if (!tag) return undefined;
  let region: string | undefined;
  try {
    region = new Intl.Locale(tag).region;
  } catch {
    return undefined; // not a well-formed BCP 47 tag
  }
  return region !== undefined && /^[A-Z]{2}$/.test(region) && countries.isValid(region)
    ? region.toLowerCase()
    : undefined;
}
