import { normalizeAndHashContact, platformHashes, sha256Hex } from './hash';
import { e164, googleEmail } from './platform-keys';

// Documented digests (shared/reference/destinations.md: Google and TikTok "Hashing").
const GOOGLE_EMAIL_VECTOR = '223ebda6f6889b1494551ba902d9d381daf2f642bae055888e96343d53e9f9c4';
const GOOGLE_PHONE_VECTOR = 'fb4f73a6ec5fdb7077d564cdd22c3554b43ce49168550c3b12c547b78c517b30';
const TIKTOK_PHONE_VECTOR = '9f7ec22d72092cd3c0b58726ed9c2d91b92e51a3f29837508fb2948bb22dd2fd';

describe('googleEmail', () => {
  it('removes dots and the +suffix before @ for gmail.com (Google example)', () => {
    expect(googleEmail('cloudy.sanfrancisco+shopping@gmail.com')).toBe('cloudysanfrancisco@gmail.com');
  });

  it('applies the same rule to googlemail.com, keeping the domain', () => {
    expect(googleEmail('jane.doe+news@googlemail.com')).toBe('janedoe@googlemail.com');
  });

  it('leaves other domains alone, dots and +suffix included', () => {
    expect(googleEmail('jane.doe+ads@example.com')).toBe('jane.doe+ads@example.com');
    expect(googleEmail('jane.doe@gmail.com.example.org')).toBe('jane.doe@gmail.com.example.org');
    expect(googleEmail('jane.doe@sub.gmail.com')).toBe('jane.doe@sub.gmail.com');
  });

  it('returns a gmail address without dots or suffix unchanged', () => {
    expect(googleEmail('janedoe@gmail.com')).toBe('janedoe@gmail.com');
  });

  it('keeps an address whose local part would be empty rather than hash a bare domain', () => {
    expect(googleEmail('+tag@gmail.com')).toBe('+tag@gmail.com');
  });
});

describe('e164', () => {
  it('puts the + back in front of the digits', () => {
    expect(e164('18005550100')).toBe('+18005550100');
  });
});

describe('platformHashes', () => {
  it('hashes Google’s gmail form and E.164 with + to the documented digests', () => {
    expect(platformHashes('cloudy.sanfrancisco+shopping@gmail.com', '18005550100')).toEqual({
      em_google: GOOGLE_EMAIL_VECTOR,
      ph_e164: GOOGLE_PHONE_VECTOR,
    });
    expect(platformHashes(undefined, '12133734253')).toEqual({ ph_e164: TIKTOK_PHONE_VECTOR });
  });

  it('has no em_google when Google’s form is the same as Meta’s', () => {
    expect(platformHashes('janedoe@gmail.com', undefined)).toEqual({});
    expect(platformHashes('jane.doe+ads@example.com', undefined)).toEqual({});
    expect(platformHashes(undefined, undefined)).toEqual({});
  });
});

describe('normalizeAndHashContact platform hashes', () => {
  it('derives them from the same normalised values as em and ph', () => {
    const { hashes, platformHashes: platform } = normalizeAndHashContact({
      email: '  Cloudy.SanFrancisco+Shopping@GMAIL.com ',
      phone: '+1 (800) 555-0100',
    });
    expect(hashes).toEqual({
      em: sha256Hex('cloudy.sanfrancisco+shopping@gmail.com'),
      ph: sha256Hex('18005550100'),
    });
    expect(platform).toEqual({ em_google: GOOGLE_EMAIL_VECTOR, ph_e164: GOOGLE_PHONE_VECTOR });
  });

  it('uses the region-resolved phone, and a googlemail variant', () => {
    const { platformHashes: platform } = normalizeAndHashContact(
      { email: 'a.b@googlemail.com', phone: '(213) 373-4253' },
      { defaultCountry: 'us' },
    );
    expect(platform).toEqual({ em_google: sha256Hex('ab@googlemail.com'), ph_e164: TIKTOK_PHONE_VECTOR });
  });

  it('has none for a non-gmail email, a dotless gmail, or values that fail to normalise', () => {
    expect(normalizeAndHashContact({ email: 'jane.doe@example.com' }).platformHashes).toEqual({});
    expect(normalizeAndHashContact({ email: 'JaneDoe@gmail.com' }).platformHashes).toEqual({});
    const bad = normalizeAndHashContact({ email: 'not-an.email@', phone: '(650)555-1212' });
    expect(bad.platformHashes).toEqual({});
    expect(bad.errors.map((e) => e.field)).toEqual(['email', 'phone']);
  });
});
