import { CONTACT_FIELDS, CONTACT_KEY_BY_FIELD, type ContactField } from './contact-keys';
import { normalizeAndHashContact, sha256Hex } from './hash';
import { CASES_NOW, NORMALIZE_CASES, type NormalizeCase } from './normalize-cases.data';

type Row = [ContactField, string, NormalizeCase[1], string | null, string, string | undefined];

// Every case goes through the public entry point, so the context resolution (form country → visitor hint →
// default country) is part of what is checked. Rows are padded to one length: Jest would take a missing
// last argument for a `done` callback and wait for it.
const ROWS: Row[] = CONTACT_FIELDS.flatMap((field) =>
  NORMALIZE_CASES[field].map(([input, context, expected, rule, sha]): Row => [
    field,
    input,
    context,
    expected,
    rule,
    sha,
  ]),
);

function run(field: ContactField, [input, context]: NormalizeCase) {
  const { country, countryHint, defaultCountry } = context;
  const contact = field === 'country' ? { country: input } : { [field]: input, country };
  return normalizeAndHashContact(contact, { countryHint, defaultCountry, now: CASES_NOW });
}

describe('contact normalisation table', () => {
  it('has at least 200 cases over all ten fields, 40 phones and 30 dates', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(200);
    for (const field of CONTACT_FIELDS) expect(NORMALIZE_CASES[field].length).toBeGreaterThan(0);
    expect(NORMALIZE_CASES.phone.length).toBeGreaterThanOrEqual(40);
    expect(NORMALIZE_CASES.date_of_birth.length).toBeGreaterThanOrEqual(30);
  });

  it.each(ROWS)('%s %p %j → %p (%s)', (field, input, context, expected, _rule, documentedHash) => {
    const { hashes, errors } = run(field, [input, context, expected, _rule]);
    const key = CONTACT_KEY_BY_FIELD[field];
    const fieldErrors = errors.filter((e) => e.field === field);
    if (expected === null) {
      expect(hashes[key]).toBeUndefined();
      expect(fieldErrors).toHaveLength(1);
      // Reasons are fixed text: the dropped value never appears in them.
      expect(fieldErrors[0]!.reason.toLowerCase()).not.toContain(input.trim().toLowerCase());
    } else {
      expect(fieldErrors).toEqual([]);
      expect(hashes[key]).toBe(sha256Hex(expected));
      if (documentedHash !== undefined) expect(hashes[key]).toBe(documentedHash);
    }
  });
});
