import { consentSnapshot, isUsPrivacyOptOut } from './consent';

describe('consent', () => {
  it('keeps only the keys that were sent', () => {
    expect(consentSnapshot({ ad_user_data: 'denied', us_privacy: '1YYN' })).toEqual({
      ad_user_data: 'denied',
      us_privacy: '1YYN',
    });
    expect(consentSnapshot({})).toBeUndefined();
  });

  it.each([
    ['1YYN', true],
    ['1NYN', true],
    ['1-Y-', true],
    ['1YNN', false],
    ['1---', false],
    [undefined, false],
  ])('reads the US Privacy opt-out of sale from %s', (usPrivacy, optedOut) => {
    expect(isUsPrivacyOptOut({ us_privacy: usPrivacy })).toBe(optedOut);
  });
});
