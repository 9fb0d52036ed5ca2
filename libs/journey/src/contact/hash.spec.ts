import { CONTACT_FIELDS, CONTACT_KEY_BY_FIELD, type RawContact } from './contact-keys';
import { normalizeAndHashContact, sha256Hex } from './hash';

describe('sha256Hex', () => {
  it('hashes UTF-8 bytes to lowercase hex', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('john_smith@gmail.com')).toBe(
      '62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f',
    );
    expect(sha256Hex('정')).toBe('8fa8cd9c440be61d0151429310034083132b35975c4bea67fdd74158eb51db14');
    expect(sha256Hex('zürich')).toBe('201f10d5d64518d86d2d3a47d28675d1c788762c5345df643dadec71d4e0a91e');
  });
});

describe('contact keys', () => {
  it('maps every wire field to a Meta key', () => {
    expect(CONTACT_FIELDS).toHaveLength(10);
    expect(CONTACT_FIELDS.map((f) => CONTACT_KEY_BY_FIELD[f])).toEqual([
      'em',
      'ph',
      'fn',
      'ln',
      'ct',
      'st',
      'zp',
      'country',
      'db',
      'ge',
    ]);
  });
});

describe('normalizeAndHashContact', () => {
  it('hashes a full US contact with the §9 digests', () => {
    const { hashes, errors } = normalizeAndHashContact({
      email: 'John_Smith@gmail.com',
      phone: '(650)555-1212',
      first_name: 'Mary',
      last_name: 'Smith-Jones',
      city: 'San Francisco',
      state: 'California',
      zip: '94105-1234',
      country: 'United States',
      date_of_birth: '2/16/1997',
      gender: 'Female',
    });
    expect(errors).toEqual([]);
    expect(hashes).toEqual({
      em: '62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f',
      ph: 'e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176',
      fn: '6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec',
      ln: '6a77f47e3dec33252edbebb457d65e90501b643806c50cf8d6c3e2bd9cb74681',
      ct: '1a6bd4d9d79dc0a79b53795c70d3349fa9e38968a3fbefbfe8783efb1d2b6aac',
      st: '6959097001d10501ac7d54c0bdb8db61420f658f2922cc26e46d536119a31126',
      zp: 'e73ac16e69f060ee98b0fda5f66f48c4648ee26950e9bab3a097389853fd859e',
      country: '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621',
      db: '01acdbf6ec7b4f478a225f1a246e5d6767eeab1a7ffa17f025265b5b94f40f0c',
      ge: '252f10c83610ebca1a059c0bae8255eba2f95be4d1d7bcfa89d7248a82d9f111',
    });
  });

  it('hashes a UK contact: 00-prefixed phone, doc-form postcode, alias country', () => {
    const { hashes, errors } = normalizeAndHashContact({
      phone: '0044 844 412 4653',
      zip: 'M1 1AE',
      city: 'Zürich',
      country: 'UK',
    });
    expect(errors).toEqual([]);
    expect(hashes.ph).toBe('dc008fda46e2e64002cf2f82a4906236282d431c4f75e5b60bfe79fc48546383');
    expect(hashes.zp).toBe('1dc694c2070e697769fb959b50671d76cafd430d8ca191fbdd0affcaea344ac5');
    expect(hashes.ct).toBe('201f10d5d64518d86d2d3a47d28675d1c788762c5345df643dadec71d4e0a91e');
    expect(hashes.country).toBe(sha256Hex('gb'));
  });

  it('uses the contact country as the phone default region', () => {
    expect(normalizeAndHashContact({ phone: '030 1234567', country: 'DE' }).hashes.ph).toBe(
      '2f9fbc550b12cbc0e6242384cc472bd1e4f058a8b773f189f7acb86d202655ce',
    );
  });

  it('row 23: a national phone without a country is an error and never hashed as 6505551212', () => {
    const { hashes, errors } = normalizeAndHashContact({ phone: '(650)555-1212', email: 'abc@gmail.com' });
    expect(hashes.ph).toBeUndefined();
    expect(Object.values(hashes)).not.toContain(
      '5eed6d50c9a69704a9a72b4af7d14d04d33e4460039e101b525f5d4f8a106a38',
    );
    expect(errors).toEqual([{ field: 'phone', reason: 'phone needs a country code or a country' }]);
    expect(hashes.em).toBe('48ddb93f0b30c475423fe177832912c5bcdce3cc72872f8051627967ef278e08');
  });

  it('context: the visitor hint, then the default country, pick phone region and date order only', () => {
    const input: RawContact = {
      phone: '030 1234567',
      date_of_birth: '03/04/1990',
      state: 'Bavaria',
      zip: '1234',
    };
    const { hashes, errors } = normalizeAndHashContact(input, { countryHint: 'DE', defaultCountry: 'us' });
    expect(errors).toEqual([]);
    expect(hashes.ph).toBe(sha256Hex('49301234567'));
    expect(hashes.db).toBe(sha256Hex('19900403'));
    // The address is not the visitor's location: no US state or ZIP rules from a hint or default.
    expect(hashes.st).toBe(sha256Hex('bavaria'));
    expect(hashes.zp).toBe(sha256Hex('1234'));
  });

  it('context: an unusable hint falls through to the default country; the form country beats both', () => {
    const fallback = normalizeAndHashContact(
      { phone: '650 555 1212' },
      { countryHint: 'XX', defaultCountry: 'us' },
    );
    expect(fallback.hashes.ph).toBe(sha256Hex('16505551212'));
    const form = normalizeAndHashContact(
      { phone: '030 1234567', country: 'de' },
      { countryHint: 'fr', defaultCountry: 'us' },
    );
    expect(form.hashes.ph).toBe(sha256Hex('49301234567'));
  });

  it('context: now bounds the date of birth', () => {
    const now = new Date('2000-01-01T00:00:00Z');
    expect(normalizeAndHashContact({ date_of_birth: '2000-01-02' }, { now }).errors).toEqual([
      { field: 'date_of_birth', reason: 'date of birth is in the future' },
    ]);
  });

  it('passes the country to state and zip', () => {
    const de = normalizeAndHashContact({ state: 'Bavaria', zip: '80331', country: 'Germany' });
    expect(de.hashes.st).toBe(sha256Hex('bavaria'));
    expect(de.hashes.zp).toBe(sha256Hex('80331'));
    const us = normalizeAndHashContact({ state: 'Ontario', zip: '1234', country: 'US' });
    expect(us.hashes).toEqual({ country: sha256Hex('us') });
    expect(us.errors.map((e) => e.field)).toEqual(['state', 'zip']);
  });

  it('an unknown country is reported and not used as context', () => {
    const { hashes, errors } = normalizeAndHashContact({ phone: '650 555 1212', country: 'Atlantis' });
    expect(hashes).toEqual({});
    expect(errors).toEqual([
      { field: 'phone', reason: 'phone needs a country code or a country' },
      { field: 'country', reason: 'country is not recognised' },
    ]);
  });

  it('skips absent, empty and whitespace-only fields', () => {
    const input = { email: '', phone: '   ', first_name: undefined, last_name: null, city: '\t\n' };
    expect(normalizeAndHashContact(input as unknown as RawContact)).toEqual({
      hashes: {},
      platformHashes: {},
      errors: [],
    });
    expect(normalizeAndHashContact({})).toEqual({ hashes: {}, platformHashes: {}, errors: [] });
  });

  it('reports errors by wire field name and never includes raw values', () => {
    const input: RawContact = {
      email: 'zorgon-at-example',
      phone: 'Zorgon 555',
      first_name: '!!!',
      city: '...',
      state: 'Zorgonia',
      zip: '%',
      country: 'Atlantis',
      date_of_birth: '2/30/1990',
      gender: 'Zorgon',
    };
    const { hashes, errors } = normalizeAndHashContact(input);
    expect(hashes).toEqual({ st: sha256Hex('zorgonia') });
    expect(errors.map((e) => e.field)).toEqual([
      'email',
      'phone',
      'first_name',
      'city',
      'zip',
      'country',
      'date_of_birth',
      'gender',
    ]);
    const text = JSON.stringify(errors).toLowerCase();
    for (const raw of Object.values(input)) expect(text).not.toContain(raw.toLowerCase());
    expect(text).not.toContain('zorgon');
  });

  it('treats non-string runtime values as errors without crashing', () => {
    const { hashes, errors } = normalizeAndHashContact({ zip: 1234 } as unknown as RawContact);
    expect(hashes).toEqual({});
    expect(errors).toEqual([{ field: 'zip', reason: 'zip is empty' }]);
  });
});
