import { sha256Hex } from './hash';
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

const NOW = new Date('2026-06-15T12:00:00Z');

function value(r: NormalizeResult): string {
  if (!r.ok) throw new Error(`expected ok, got error: ${r.reason}`);
  return r.value;
}

function reason(r: NormalizeResult): string {
  if (r.ok) throw new Error(`expected error, got value: ${r.value}`);
  return r.reason;
}

// meta-capi.md §9 rows that follow Meta's documented rules. `␣` stands for a space; `-` = no country.
// row | key | raw input | country | normalised | sha256
const VECTOR_TABLE = `
1  | em      | John_Smith@gmail.com         | -  | john_smith@gmail.com         | 62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f
2  | ph      | (650)555-1212                | US | 16505551212                  | e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176
3  | fn      | Mary                         | -  | mary                         | 6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec
4  | fn      | 정                           | -  | 정                           | 8fa8cd9c440be61d0151429310034083132b35975c4bea67fdd74158eb51db14
5  | fn      | Valéry                       | -  | valéry                       | 08e1996b5dd49e62a4b4c010d44e4345592a863bb9f8e3976219bac29417149c
6  | db      | 2/16/1997                    | -  | 19970216                     | 01acdbf6ec7b4f478a225f1a246e5d6767eeab1a7ffa17f025265b5b94f40f0c
7  | country | United States                | -  | us                           | 79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621
8  | em      | ␣␣␣␣aBc@gmail.com␣␣␣         | -  | abc@gmail.com                | 48ddb93f0b30c475423fe177832912c5bcdce3cc72872f8051627967ef278e08
9  | zp      | 1234                         | -  | 1234                         | 03ac674216f3e15c761ee1a5e255f067953623c8b388b4459e13f978d7c846f4
10 | em      | nicholas.aguilar@segment.com | -  | nicholas.aguilar@segment.com | eeaf810ee0e3cef3307089f22c3804f54c79eed19ef29bf70df864b43862c380
12 | ge      | m                            | -  | m                            | 62c66a7a5dd70c3146618063c344e531e6d4b59e379808443ce962b3abd63c5a
13 | ge      | Female                       | -  | f                            | 252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111
14 | em      | TEST@EXAMPLE.COM             | -  | test@example.com             | 973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b
15 | ph      | +1 (415) 555-1234            | -  | 14155551234                  | c6a349dfaaf5c3a368d3135014cc1bc7aebf18f654f313f9c1d0b018a897b209
16 | fn      | John                         | -  | john                         | 96d9632f363564cc3032521409cf22a852f2032eec099ed5967c0d000cec607a
17 | ln      | Doe                          | -  | doe                          | 799ef92a11af918e3fb741df42934f3b568ed2d93ac1df74f1b8d41a27932a6f
18 | ct      | New York                     | -  | newyork                      | 350c754ba4d38897693aa077ef43072a859d23f613443133fecbbd90a3512ca5
19 | db      | 1990-01-15                   | -  | 19900115                     | 4747c382bedef489a190a6797e6f4451907b86511bdd49cfa8f9d4c1a78d8bac
20 | ph      | +44 844 412 4653             | -  | 448444124653                 | dc008fda46e2e64002cf2f82a4906236282d431c4f75e5b60bfe79fc48546383
21 | ph      | 0044 844 412 4653            | -  | 448444124653                 | dc008fda46e2e64002cf2f82a4906236282d431c4f75e5b60bfe79fc48546383
22 | ph      | +1 (650) 555-1212            | -  | 16505551212                  | e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176
24 | ph      | +49 (0)30 1234567            | -  | 49301234567                  | 2f9fbc550b12cbc0e6242384cc472bd1e4f058a8b773f189f7acb86d202655ce
25 | ct      | San Francisco                | -  | sanfrancisco                 | 1a6bd4d9d79dc0a79b53795c70d3349fa9e38968a3fbefbfe8783efb1d2b6aac
26 | ct      | St. Louis                    | -  | stlouis                      | 8ba24bdf99947996f3000259be455de791b06fcc0e802ce05031030df1ee8ea3
27 | st      | CA                           | -  | ca                           | 6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126
27 | st      | California                   | -  | ca                           | 6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126
28 | st      | New York                     | -  | ny                           | 1b06e2003f8420d6fa42badd8f77ec0f706b976b7a48b13c567dc5a559681683
29 | zp      | 94105-1234                   | -  | 94105                        | e73ac16e69f060ee98b0fda5f66f48c4648ee26950e9bab3a097389853fd859e
30 | zp      | 94035                        | -  | 94035                        | 1794327a4d443904421f5ca1f3d72d0a62ba2f0770d80755ec2220fc0efb052e
31 | zp      | M1 1AE                       | -  | m11ae                        | 1dc694c2070e697769fb959b50671d76cafd430d8ca191fbdd0affcaea344ac5
32 | country | DE                           | -  | de                           | 959a45d44e6fcf58361ed004681556fe50129f2109e817dec098c00c9e5d2578
33 | db      | 1997-02-16                   | -  | 19970216                     | 01acdbf6ec7b4f478a225f1a246e5d6767eeab1a7ffa17f025265b5b94f40f0c
34 | fn      | O'Connor                     | -  | oconnor                      | 7a0fbfdf40cbeb97429bdb88f512cecd27f0d44b7e57986ab578423bb61936ac
35 | ln      | Smith-Jones                  | -  | smithjones                   | 6a77f47e3dec33252edbebb457d65e90501b643806c50cf8d6c3e2bd9cb74681
37 | ct      | Zürich                       | -  | zürich                       | 201f10d5d64518d86d2d3a47d28675d1c788762c5345df643dadec71d4e0a91e
`;

const BY_KEY: Record<string, (raw: string, country?: string) => NormalizeResult> = {
  em: normalizeEmail,
  ph: normalizePhone,
  fn: normalizeName,
  ln: normalizeName,
  ct: normalizeCity,
  st: normalizeState,
  zp: normalizeZip,
  country: normalizeCountry,
  db: (raw) => normalizeDateOfBirth(raw, NOW),
  ge: normalizeGender,
};

type Row = [string, string, string, string, string, string];

/** Trimmed `|`-separated cells; `␣` marks a significant space (template literals already expand `\\u` escapes). */
function parseTable(table: string): Row[] {
  return table
    .trim()
    .split('\n')
    .map((line) => {
      const cells = line.split('|').map((cell) => cell.trim().replace(/␣/g, ' '));
      return Array.from({ length: 6 }, (_v, i) => cells[i] ?? '') as Row;
    });
}

function run(key: string, raw: string, country: string): NormalizeResult {
  const normalise = BY_KEY[key];
  if (!normalise) throw new Error(`no normaliser for ${key}`);
  return normalise(raw, country === '-' ? undefined : country);
}

const VECTORS = parseTable(VECTOR_TABLE);

describe('meta-capi.md §9 test vectors', () => {
  it('covers every documented-rule row', () => {
    expect(new Set(VECTORS.map(([row]) => row)).size).toBe(34);
  });

  it.each(VECTORS)('row %s: %s %p (country %p)', (_row, key, raw, country, expected, digest) => {
    const normalised = value(run(key, raw, country));
    expect(normalised).toBe(expected);
    expect(sha256Hex(normalised)).toBe(digest);
  });

  it('row 23: a national number without a country is an error, not 6505551212', () => {
    expect(reason(normalizePhone('(650)555-1212'))).toBe('phone needs a country code or a country');
  });

  // The forms every peer library produces and Meta's docs contradict.
  it.each([
    [
      24,
      'ph',
      '+49 (0)30 1234567',
      '490301234567',
      'af78f82171591882f865358422c69bac461c9de8f8ae3c30a341acfc97e3ef02',
    ],
    [31, 'zp', 'M1 1AE', 'm1 1ae', '44f487fd97c3c7916f0ab013622787d7c4d7667cf16905c9bf8def1ff35e0e8d'],
    [37, 'ct', 'Zürich', 'zrich', 'b253f8d990c571b122610eb0ce308ba1d4d04a944fa3bc2e28eed230deb430c5'],
  ])('row %i: %s %p never produces %p', (_row, key, raw, wrong, wrongDigest) => {
    const normalised = value(run(key, raw, '-'));
    expect(normalised).not.toBe(wrong);
    expect(sha256Hex(normalised)).not.toBe(wrongDigest);
  });

  it('row 11: a national number only becomes compliant with a country', () => {
    expect(normalizePhone('510 555 0011').ok).toBe(false);
    expect(value(normalizePhone('510 555 0011', 'us'))).toBe('15105550011');
  });
});

// Further accepted inputs, beyond §9. key | raw | country | normalised
const CASES = `
em      | ␣Jos\u0065\u0301@Example.COM␣ | -             | jos\u00e9@example.com
ph      | (650)555-1212                 | United States | 16505551212
ph      | 650.555.1212                  | us            | 16505551212
ph      | 030 1234567                   | DE            | 49301234567
ph      | +1 650 555 1212 ext. 99       | -             | 16505551212
ph      | 650-555-1212 x12              | US            | 16505551212
ph      | 011 44 844 412 4653           | US            | 448444124653
ph      | phone: 6505551212             | US            | 16505551212
ph      | +1 650 555 1212 *             | US            | 16505551212
ph      | +44 844 412 4653              | US            | 448444124653
fn      | Mary Ann                      | -             | maryann
fn      | ␣␣JOSÉ␣␣María␣                | -             | josémaría
fn      | Jean-Luc                      | -             | jeanluc
fn      | Δημήτρης                      | -             | δημήτρης
ln      | 山田                          | -             | 山田
ln      | Mary\u00a0Ann                 | -             | maryann
ln      | Vale\u0301ry                  | -             | val\u00e9ry
ct      | São Paulo                     | -             | sãopaulo
ct      | Winston-Salem                 | -             | winstonsalem
ct      | ␣␣LONDON␣                     | -             | london
st      | california                    | US            | ca
st      | NEW␣␣YORK                     | us            | ny
st      | N.Y.                          | United States | ny
st      | District of Columbia          | US            | dc
st      | Puerto Rico                   | -             | pr
st      | Northern Mariana Islands      | US            | mp
st      | Québec                        | CA            | québec
st      | Quebec                        | -             | quebec
st      | Newfoundland and Labrador     | Canada        | newfoundlandandlabrador
st      | ON                            | CA            | on
st      | Bavaria                       | DE            | bavaria
st      | Île-de-France                 | FR            | îledefrance
st      | BY                            | DE            | by
zp      | 94105-1234                    | US            | 94105
zp      | 94105 1234                    | us            | 94105
zp      | 941051234                     | United States | 94105
zp      | SW1A 1AA                      | GB            | sw1a1aa
zp      | M1 1AE                        | GB            | m11ae
zp      | 75018                         | FR            | 75018
zp      | 1987                          | AU            | 1987
zp      | 1234-567                      | PT            | 1234567
zp      | K1A 0B1                       | CA            | k1a0b1
country | us                            | -             | us
country | Gb                            | -             | gb
country | DEU                           | -             | de
country | fra                           | -             | fr
country | Germany                       | -             | de
country | united kingdom                | -             | gb
country | UK                            | -             | gb
country | Great Britain                 | -             | gb
country | England                       | -             | gb
country | Scotland                      | -             | gb
country | Wales                         | -             | gb
country | Northern Ireland              | -             | gb
country | USA                           | -             | us
country | U.S.                          | -             | us
country | U.S.A.                        | -             | us
country | America                       | -             | us
country | The Netherlands               | -             | nl
db      | 02/16/1997                    | -             | 19970216
db      | 5/3/1995                      | -             | 19950503
db      | 16/2/1997                     | -             | 19970216
db      | 16.02.1997                    | -             | 19970216
db      | 5.3.1995                      | -             | 19950305
db      | 1997/02/16                    | -             | 19970216
db      | 19970216                      | -             | 19970216
db      | Feb 16 1997                   | -             | 19970216
db      | 1990-01-15T00:00:00.000Z      | -             | 19900115
db      | 1990-01-15T23:30:00-05:00     | -             | 19900115
db      | 2000-02-29                    | -             | 20000229
db      | 1900-01-01                    | -             | 19000101
db      | 2026-06-15                    | -             | 20260615
ge      | F                             | -             | f
ge      | ␣Female␣                      | -             | f
ge      | woman                         | -             | f
ge      | W                             | -             | f
ge      | MALE                          | -             | m
ge      | Man                           | -             | m
`;

describe('documented rules beyond §9', () => {
  it.each(parseTable(CASES))('%s %p (country %p) → %p', (key, raw, country, expected) => {
    expect(value(run(key, raw, country))).toBe(expected);
  });
});

// Rejected inputs. key | raw | country | reason (`*` = any reason)
const ERRORS = `
em      | not-an-email                  | -  | email is not a valid address
em      | a@b                           | -  | email is not a valid address
em      | john smith@gmail.com          | -  | email is not a valid address
em      | ␣␣                            | -  | email is empty
ph      | 650 555 1212                  | -  | phone needs a country code or a country
ph      | 650 555 1212                  | Atlantis | phone needs a country code or a country
ph      | 650-CALL-NOW                  | US | phone contains letters
ph      | +1 650 555 12l2               | US | phone contains letters
ph      | +1 650 555 1212 1212 1212 1212 1212 1212 1212 1212 1212 1212 1212 | - | phone is too long
ph      | 911                           | US | phone is not a possible number
ph      | +1 650 555 12*12              | US | phone contains invalid characters
fn      | '- .                          | -  | name is empty
ln      | ␣                             | -  | name is empty
ct      | ...                           | -  | city is empty
st      | Ontario                       | US | state is not a recognised US state
st      | ZZ                            | US | state is not a recognised US state
zp      | 1234                          | US | zip is not a valid US ZIP code
zp      | 1                             | DE | zip is too short
zp      | ␣-␣                           | -  | zip is too short
country | Atlantis                      | -  | country is not recognised
country | Narnia Republic               | -  | country is not recognised
country | ZZ                            | -  | country is not a recognised ISO code
country | EU                            | -  | country is not a recognised ISO code
db      | 2/30/1990                     | -  | date of birth is not a real calendar date
db      | 1900-02-29                    | -  | date of birth is not a real calendar date
db      | 19971316                      | -  | date of birth has an invalid month
db      | 13/13/1990                    | -  | date of birth has an invalid month
db      | 2026-06-16                    | -  | date of birth is in the future
db      | 1/1/2027                      | -  | date of birth is in the future
db      | 1850-05-01                    | -  | date of birth year is before 1900
db      | Feb 30 1997                   | -  | date of birth is not a real calendar date
db      | 16-02-97                      | -  | date of birth has an unrecognised format
db      | 1997                          | -  | date of birth has an unrecognised format
ge      | x                             | -  | gender is not recognised
ge      | other                         | -  | gender is not recognised
ge      | mr                            | -  | gender is not recognised
`;

describe('rejected inputs', () => {
  it.each(parseTable(ERRORS))('%s %p (country %p) → %p', (key, raw, country, expected) => {
    const r = reason(run(key, raw, country));
    expect(r).toBe(expected);
    // Reasons are fixed text: never echo PII.
    if (raw.trim()) expect(r.toLowerCase()).not.toContain(raw.trim().toLowerCase());
  });

  it('maps Great Britain to gb, not Greece (gr) as truncation would', () => {
    expect(value(normalizeCountry('Great Britain'))).not.toBe('gr');
  });

  it('never truncates non-US/CA regions', () => {
    expect(value(normalizeState('Bavaria', 'de'))).not.toBe('ba');
  });

  it('date of birth defaults now to the current date', () => {
    expect(normalizeDateOfBirth('3000-01-01').ok).toBe(false);
    expect(value(normalizeDateOfBirth('1997-02-16'))).toBe('19970216');
  });

  it('non-string runtime input is an error, never a crash', () => {
    const bad = 1234 as unknown as string;
    for (const key of Object.keys(BY_KEY)) expect(run(key, bad, '-').ok).toBe(false);
  });
});
