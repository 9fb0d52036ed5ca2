// Full-name → code tables for US states/territories and Canadian provinces/territories.
// Meta wants the 2-letter ANSI/FIPS code for `st`; names must be mapped, never truncated.

export const US_STATES: Readonly<Record<string, string>> = {
  AL: 'Alabama',
  AK: 'Alaska',
  AZ: 'Arizona',
  AR: 'Arkansas',
  CA: 'California',
  CO: 'Colorado',
  CT: 'Connecticut',
  DE: 'Delaware',
  FL: 'Florida',
  GA: 'Georgia',
  HI: 'Hawaii',
  ID: 'Idaho',
  IL: 'Illinois',
  IN: 'Indiana',
  IA: 'Iowa',
  KS: 'Kansas',
  KY: 'Kentucky',
  LA: 'Louisiana',
  ME: 'Maine',
  MD: 'Maryland',
  MA: 'Massachusetts',
  MI: 'Michigan',
  MN: 'Minnesota',
  MS: 'Mississippi',
  MO: 'Missouri',
  MT: 'Montana',
  NE: 'Nebraska',
  NV: 'Nevada',
  NH: 'New Hampshire',
  NJ: 'New Jersey',
  NM: 'New Mexico',
  NY: 'New York',
  NC: 'North Carolina',
  ND: 'North Dakota',
  OH: 'Ohio',
  OK: 'Oklahoma',
  OR: 'Oregon',
  PA: 'Pennsylvania',
  RI: 'Rhode Island',
  SC: 'South Carolina',
  SD: 'South Dakota',
  TN: 'Tennessee',
  TX: 'Texas',
  UT: 'Utah',
  VT: 'Vermont',
  VA: 'Virginia',
  WA: 'Washington',
  WV: 'West Virginia',
  WI: 'Wisconsin',
  WY: 'Wyoming',
  DC: 'District of Columbia',
  PR: 'Puerto Rico',
  GU: 'Guam',
  VI: 'U.S. Virgin Islands',
  AS: 'American Samoa',
  MP: 'Northern Mariana Islands',
};

export const CA_PROVINCES: Readonly<Record<string, string>> = {
  AB: 'Alberta',
  BC: 'British Columbia',
  MB: 'Manitoba',
  NB: 'New Brunswick',
  NL: 'Newfoundland and Labrador',
  NS: 'Nova Scotia',
  NT: 'Northwest Territories',
  NU: 'Nunavut',
  ON: 'Ontario',
  PE: 'Prince Edward Island',
  QC: 'Quebec',
  SK: 'Saskatchewan',
  YT: 'Yukon',
};

// Common alternative spellings people type into forms.
const US_ALIASES: Readonly<Record<string, string>> = {
  'Washington DC': 'DC',
  'Washington D.C.': 'DC',
  'Virgin Islands': 'VI',
  'United States Virgin Islands': 'VI',
  'US Virgin Islands': 'VI',
  'Commonwealth of Puerto Rico': 'PR',
};

// Traditional abbreviations (AP style and the GPO Style Manual), written with or without periods: `Calif.`,
// `N.Y.`, `W. Va.`. The lookup key keeps letters only, so `N.Y.` is `ny`.
const US_ABBREVIATIONS: Readonly<Record<string, string>> = {
  'Ala.': 'AL',
  'Alas.': 'AK',
  'Ariz.': 'AZ',
  'Ark.': 'AR',
  'Calif.': 'CA',
  'Cal.': 'CA',
  'Colo.': 'CO',
  'Conn.': 'CT',
  'Del.': 'DE',
  'D.C.': 'DC',
  'Fla.': 'FL',
  'Ga.': 'GA',
  'Ida.': 'ID',
  'Ill.': 'IL',
  'Ind.': 'IN',
  'Ia.': 'IA',
  'Kan.': 'KS',
  'Kans.': 'KS',
  'Ky.': 'KY',
  'La.': 'LA',
  'Md.': 'MD',
  'Mass.': 'MA',
  'Mich.': 'MI',
  'Minn.': 'MN',
  'Miss.': 'MS',
  'Mo.': 'MO',
  'Mont.': 'MT',
  'Neb.': 'NE',
  'Nebr.': 'NE',
  'Nev.': 'NV',
  'N.H.': 'NH',
  'N.J.': 'NJ',
  'N.M.': 'NM',
  'N. Mex.': 'NM',
  'N.Y.': 'NY',
  'N.C.': 'NC',
  'N.D.': 'ND',
  'N. Dak.': 'ND',
  'Okla.': 'OK',
  'Ore.': 'OR',
  'Oreg.': 'OR',
  'Pa.': 'PA',
  'Penn.': 'PA',
  'Penna.': 'PA',
  'P.R.': 'PR',
  'R.I.': 'RI',
  'S.C.': 'SC',
  'S.D.': 'SD',
  'S. Dak.': 'SD',
  'Tenn.': 'TN',
  'Tex.': 'TX',
  'Vt.': 'VT',
  'Va.': 'VA',
  'V.I.': 'VI',
  'Wash.': 'WA',
  'W. Va.': 'WV',
  'Wis.': 'WI',
  'Wisc.': 'WI',
  'Wyo.': 'WY',
};

const CA_ALIASES: Readonly<Record<string, string>> = {
  Newfoundland: 'NL',
  'Yukon Territory': 'YT',
  PEI: 'PE',
  // Traditional abbreviations (Canadian Press style).
  'Alta.': 'AB',
  'B.C.': 'BC',
  'Man.': 'MB',
  'N.B.': 'NB',
  'Nfld.': 'NL',
  'N.S.': 'NS',
  'N.W.T.': 'NT',
  'Ont.': 'ON',
  'P.E.I.': 'PE',
  'Que.': 'QC',
  'Sask.': 'SK',
  'Y.T.': 'YT',
};

/** Lookup key: accents folded, lowercase, letters only — so `Québec`, `new-york` and `NEW YORK` match. */
export function regionLookupKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

function buildIndex(...tables: Readonly<Record<string, string>>[]): ReadonlyMap<string, string> {
  const index = new Map<string, string>();
  for (const [code, name] of Object.entries(tables[0] ?? {})) index.set(regionLookupKey(name), code);
  for (const aliases of tables.slice(1)) {
    for (const [name, code] of Object.entries(aliases)) index.set(regionLookupKey(name), code);
  }
  return index;
}

const US_INDEX = buildIndex(US_STATES, US_ALIASES, US_ABBREVIATIONS);
const CA_INDEX = buildIndex(CA_PROVINCES, CA_ALIASES);

/** US code for a state/territory name or traditional abbreviation, or undefined. */
export function usStateCode(name: string): string | undefined {
  return US_INDEX.get(regionLookupKey(name));
}

/** Canadian code for a province/territory name or traditional abbreviation, or undefined. */
export function caProvinceCode(name: string): string | undefined {
  return CA_INDEX.get(regionLookupKey(name));
}
