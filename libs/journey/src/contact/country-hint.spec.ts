import { countryFromHints, type CountryHints } from './country-hint';

describe('countryFromHints', () => {
  it.each<[CountryHints, string | undefined, string]>([
    // 1. An explicit country wins.
    [
      { country: 'DE', locale: 'en-US', timeZone: 'America/New_York' },
      'de',
      'explicit country beats zone and locale',
    ],
    [{ country: 'gb' }, 'gb', 'explicit lowercase ISO2'],
    [{ country: 'FRA' }, 'fr', 'explicit alpha-3'],
    [{ country: 'Germany' }, 'de', 'explicit English name'],
    [{ country: 'XX', timeZone: 'Europe/Paris' }, 'fr', 'placeholder country falls through to the zone'],
    [{ country: 'T1', locale: 'de-AT' }, 'at', 'Tor placeholder falls through to the locale'],
    [{ country: '  ', timeZone: 'Asia/Tokyo' }, 'jp', 'blank country falls through'],
    // 2. A single-country zone beats the locale.
    [
      { timeZone: 'Europe/Berlin', locale: 'en-US' },
      'de',
      'single-country zone beats a default en-US locale',
    ],
    [{ timeZone: 'America/Sao_Paulo' }, 'br', 'zone alone'],
    [{ timeZone: 'Asia/Kolkata' }, 'in', 'canonical zone'],
    [{ timeZone: 'Asia/Calcutta' }, 'in', 'deprecated alias zone'],
    [{ timeZone: 'Europe/Kiev' }, 'ua', 'old spelling of Kyiv'],
    [{ timeZone: 'Europe/Stockholm', locale: 'de-DE' }, 'se', 'tzdb link keeps its own country'],
    [{ timeZone: 'america/new_york' }, 'us', 'zone names matched case-insensitively'],
    [{ timeZone: 'US/Pacific' }, 'us', 'legacy US zone'],
    // 3. A zone shared by several countries.
    [{ timeZone: 'Europe/Zurich', locale: 'de-DE' }, 'de', 'shared zone: locale region inside the zone'],
    [{ timeZone: 'Europe/Zurich', locale: 'en-US' }, 'ch', 'shared zone: foreign locale → principal country'],
    [{ timeZone: 'Europe/Zurich' }, 'ch', 'shared zone without locale → principal country'],
    [{ timeZone: 'Europe/Brussels', locale: 'fr-LU' }, 'lu', 'shared zone Brussels with Luxembourg locale'],
    [{ timeZone: 'Africa/Abidjan', locale: 'en-GH' }, 'gh', 'shared zone Abidjan with Ghana locale'],
    // 4. No usable zone: the locale's region.
    [{ locale: 'en-GB' }, 'gb', 'locale region'],
    [{ locale: 'pt-BR' }, 'br', 'locale region pt-BR'],
    [{ locale: 'pt_BR' }, 'br', 'underscore locale'],
    [{ locale: 'zh-Hant-TW' }, 'tw', 'locale with script'],
    [{ locale: 'de-CH,de;q=0.9,en;q=0.8' }, 'ch', 'Accept-Language: first tag'],
    [{ locale: 'en-gb' }, 'gb', 'lowercase region'],
    [{ timeZone: 'Etc/UTC', locale: 'fr-CA' }, 'ca', 'zone without a country → locale'],
    [{ timeZone: 'Mars/Olympus', locale: 'es-MX' }, 'mx', 'unknown zone → locale'],
    // Unknown → undefined, never a guess.
    [{ locale: 'de' }, undefined, 'locale without region is not expanded'],
    [{ locale: 'es-419' }, undefined, 'UN M.49 area is not a country'],
    [{ locale: 'de,en-US;q=0.5' }, undefined, 'only the preferred tag counts'],
    [{ locale: 'not a locale!!' }, undefined, 'malformed locale'],
    [{ timeZone: 'UTC' }, undefined, 'UTC has no country'],
    [{ timeZone: 'Nowhere/Land' }, undefined, 'unknown zone'],
    [{ country: 'Atlantis' }, undefined, 'unknown country name'],
    [{}, undefined, 'no hints'],
  ])('%j → %p (%s)', (hints, expected) => {
    expect(countryFromHints(hints)).toBe(expected);
  });

  it('ignores non-string runtime values', () => {
    const hints = { country: 49, locale: ['de-DE'], timeZone: null } as unknown as CountryHints;
    expect(countryFromHints(hints)).toBeUndefined();
  });
});
