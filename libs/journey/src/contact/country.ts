// Country → lowercase ISO 3166-1 alpha-2 (Meta `country`). Unknown or ambiguous input is an error, never a
// guessed or truncated code (Meta's Parameter Builder truncates: `Great Britain` → `gr`, Greece).
// i18n-iso-countries' Node entry point registers every locale it ships (78), so names in any of those
// languages resolve (`Deutschland`, `Allemagne`, `España`, `日本`); English wins where languages disagree.
import * as countries from 'i18n-iso-countries';
import { clean, compactText, fail, ok, type NormalizeResult } from './text';

// English names people use that i18n-iso-countries lacks: informal, historic and official long forms.
// Keys are compactText() forms.
const COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  uk: 'gb',
  britain: 'gb',
  greatbritain: 'gb',
  england: 'gb',
  scotland: 'gb',
  wales: 'gb',
  northernireland: 'gb',
  unitedkingdomofgreatbritainandnorthernireland: 'gb',
  america: 'us',
  unitedstatesofamerica: 'us',
  vatican: 'va',
  vaticancity: 'va',
  vaticancitystate: 'va',
  holysee: 'va',
  easttimor: 'tl',
  drc: 'cd',
  drcongo: 'cd',
  democraticrepublicofcongo: 'cd',
  congokinshasa: 'cd',
  congobrazzaville: 'cg',
  republicofcongo: 'cg',
  falklands: 'fk',
  falklandislands: 'fk',
  stkittsandnevis: 'kn',
  stkitts: 'kn',
  saintkitts: 'kn',
  stlucia: 'lc',
  stvincentandthegrenadines: 'vc',
  bosnia: 'ba',
  trinidad: 'tt',
  burma: 'mm',
  holland: 'nl',
  kingdomofthenetherlands: 'nl',
  swaziland: 'sz',
  caboverde: 'cv',
  macedonia: 'mk',
  laos: 'la',
  syria: 'sy',
  moldova: 'md',
  micronesia: 'fm',
  brunei: 'bn',
  northkorea: 'kp',
  dprk: 'kp',
  democraticpeoplesrepublicofkorea: 'kp',
  britishvirginislands: 'vg',
  usvirginislands: 'vi',
  unitedstatesvirginislands: 'vi',
  macau: 'mo',
  macausar: 'mo',
  macaosar: 'mo',
  hongkongsar: 'hk',
  koreasouth: 'kr',
  koreanorth: 'kp',
  republicofchina: 'tw',
  federalrepublicofgermany: 'de',
  bundesrepublikdeutschland: 'de',
  republicofireland: 'ie',
  kingdomofspain: 'es',
  frenchrepublic: 'fr',
  italianrepublic: 'it',
  republicofpoland: 'pl',
  unitedmexicanstates: 'mx',
  federativerepublicofbrazil: 'br',
  swissconfederation: 'ch',
  republicofsouthafrica: 'za',
  kingdomofsaudiarabia: 'sa',
  ksa: 'sa',
  stateofisrael: 'il',
  commonwealthofaustralia: 'au',
  republicofindia: 'in',
  russianfederation: 'ru',
};

type NameIndex = Map<string, Set<string>>;

interface CountryIndexes {
  english: NameIndex;
  anyLanguage: NameIndex;
  /** Latin names with accents folded (`Sao Tome` = `São Tomé`), from every language. */
  folded: NameIndex;
}

let indexes: CountryIndexes | undefined;

/** Accent-folded key, only where the result is plain ASCII: folding Indic or Thaana marks would merge names. */
function foldedKey(name: string): string | undefined {
  const key = compactText(name.normalize('NFD').replace(/\p{M}/gu, ''));
  return /^[a-z0-9]+$/.test(key) ? key : undefined;
}

function add(index: NameIndex, key: string | undefined, code: string): void {
  if (!key) return;
  const codes = index.get(key) ?? new Set<string>();
  codes.add(code.toLowerCase());
  index.set(key, codes);
}

function buildIndexes(): CountryIndexes {
  const built: CountryIndexes = { english: new Map(), anyLanguage: new Map(), folded: new Map() };
  for (const lang of countries.getSupportedLanguages()) {
    for (const [code, names] of Object.entries(countries.getNames(lang, { select: 'all' }))) {
      for (const name of names) {
        if (lang === 'en') add(built.english, compactText(name), code);
        add(built.anyLanguage, compactText(name), code);
        add(built.folded, foldedKey(name), code);
      }
    }
  }
  return built;
}

type Lookup = { code: string } | { ambiguous: true } | undefined;

function lookup(index: NameIndex, key: string | undefined): Lookup {
  const codes = key === undefined ? undefined : index.get(key);
  if (!codes) return undefined;
  // `Congo` names both Congos: a name for two countries is reported, not guessed.
  return codes.size === 1 ? { code: [...codes][0]! } : { ambiguous: true };
}

/** Country: ISO alpha-2/alpha-3 code (dots allowed: `U.S.A.`) or a name in any supported language → ISO2. */
export function normalizeCountry(raw: string): NormalizeResult {
  const s = clean(raw);
  if (s === undefined) return fail('country is empty');
  // `The Netherlands`, `Trinidad & Tobago`, `St. Lucia` are written forms of the listed names.
  const name = s
    .replace(/^the\s+/i, '')
    .replace(/\s*&\s*/g, ' and ')
    .replace(/^st\.?\s+/i, 'saint ');
  const key = compactText(name);
  if (key === '') return fail('country is not recognised');
  const alias = COUNTRY_ALIASES[key];
  if (alias) return ok(alias);

  // Codes: `DE`, `deu`, `U.S.`, `U.K.`; only when the input is nothing but those letters (and dots/spaces).
  if (/^(?:[a-z]\.?\s?){2,3}$/i.test(s)) {
    const code = key.toUpperCase();
    if (code.length === 2) {
      return countries.isValid(code) ? ok(code.toLowerCase()) : fail('country is not a recognised ISO code');
    }
    const a2 = countries.alpha3ToAlpha2(code);
    if (a2) return ok(a2.toLowerCase());
  }

  indexes ??= buildIndexes();
  const found =
    lookup(indexes.english, key) ??
    lookup(indexes.anyLanguage, key) ??
    lookup(indexes.folded, foldedKey(name));
  if (found && 'code' in found) return ok(found.code);
  return fail(found ? 'country name is ambiguous' : 'country is not recognised');
}
