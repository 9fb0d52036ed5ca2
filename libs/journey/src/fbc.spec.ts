import {
  buildFbc,
  fbcCreatedAt,
  fbclidOf,
  isFbcUsableAt,
  isValidFbc,
  isValidFbp,
  resolveTouchpointFbc,
} from './fbc';

describe('fbc', () => {
  it("builds Meta's documented example from an fbclid and its first-seen ms", () => {
    expect(buildFbc('AbCdEfGh', 1554763741205)).toBe('fb.1.1554763741205.AbCdEfGh');
  });

  it('never changes the case or bytes of the fbclid', () => {
    const fbclid = 'IwAR0aBc-_dEF+/xyZ';
    expect(buildFbc(fbclid, 1700000000000)).toBe(`fb.1.1700000000000.${fbclid}`);
  });

  it('reads the creation time and fbclid back out of an fbc, including one with a PB appendix', () => {
    expect(fbcCreatedAt('fb.1.1554763741205.AbCdEf')).toEqual(new Date(1554763741205));
    expect(fbclidOf('fb.1.1554763741205.AbCdEf.AQQCAQMB')).toBe('AbCdEf');
    expect(fbcCreatedAt('fb.1.1554763741.AbCdEf')).toBeUndefined(); // seconds, not ms
  });

  it('validates fbc and fbp shapes', () => {
    expect(isValidFbc('fb.1.1554763741205.AbCdEfGhIjKlMnOpQrStUvWxYz1234567890')).toBe(true);
    expect(isValidFbc('fb.1.1554763741205')).toBe(false);
    expect(isValidFbp('fb.1.1596403881668.1116446470')).toBe(true);
    expect(isValidFbp('fb.1.1596403881668.abc')).toBe(false);
  });

  describe('resolveTouchpointFbc', () => {
    const occurredAt = new Date('2026-11-20T10:00:00.000Z');

    it('builds from the URL fbclid, dated at the touchpoint', () => {
      expect(resolveTouchpointFbc({ fbclid: 'Click1', occurredAt })).toEqual({
        fbc: `fb.1.${occurredAt.getTime()}.Click1`,
        createdAt: occurredAt,
        fbclid: 'Click1',
        built: true,
      });
    });

    it('keeps a client cookie verbatim when it holds the same fbclid or the URL has none', () => {
      const cookie = 'fb.2.1554763741205.Click1.AQQCAQMB';
      expect(resolveTouchpointFbc({ clientFbc: cookie, fbclid: 'Click1', occurredAt })?.fbc).toBe(cookie);
      expect(resolveTouchpointFbc({ clientFbc: cookie, occurredAt })).toMatchObject({
        fbc: cookie,
        built: false,
      });
    });

    it('replaces a cookie that holds another fbclid (a new ad click)', () => {
      const resolved = resolveTouchpointFbc({
        clientFbc: 'fb.1.1554763741205.Old',
        fbclid: 'New',
        occurredAt,
      });
      expect(resolved).toMatchObject({ fbc: `fb.1.${occurredAt.getTime()}.New`, built: true });
    });

    it('returns nothing without a click', () => {
      expect(resolveTouchpointFbc({ occurredAt })).toBeUndefined();
    });
  });

  describe('90-day rule', () => {
    const fbc = `fb.1.${Date.parse('2026-01-01T00:00:00Z')}.X`;
    it('is usable up to 90 days after the click', () => {
      expect(isFbcUsableAt(fbc, new Date('2026-03-31T23:59:59Z'))).toBe(true);
      expect(isFbcUsableAt(fbc, new Date('2026-04-01T00:00:01Z'))).toBe(false);
    });
    it('is not usable for an event before the click', () => {
      expect(isFbcUsableAt(fbc, new Date('2025-12-31T23:59:59Z'))).toBe(false);
    });
  });
});
