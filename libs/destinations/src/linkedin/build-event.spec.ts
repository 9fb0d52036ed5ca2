import type { Conversion } from '../conversion';
import { conversionEventId } from '../event-id';
import { buildLinkedInEvent, decimalString, validateLinkedInEvent, type LinkedInEvent } from './build-event';

const EM = '848a771458438fc2ec420560d769fb9b9b86851ee338ec56517baabd79d3bb4f';
const EM2 = '973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b';
const DAY = 86_400_000;
const OCCURRED = new Date('2026-09-20T10:00:00.000Z');
const NOW = new Date('2026-09-20T10:05:00.000Z');
const RULES = { QualifiedLead: '104012', DealWon: '104013' };

function conversion(
  over: Partial<Conversion> = {},
  journey: Partial<Conversion['journey']> = {},
): Conversion {
  return {
    leadEventSource: 'HubSpot',
    objectKey: 'hubspot:deal:42',
    eventName: 'DealWon',
    occurredAt: OCCURRED,
    value: 1500.5,
    currency: 'eur',
    ...over,
    journey: {
      externalId: 'visitor-1',
      hashes: { em: ['raw@example.com', EM, EM2], ph_e164: [EM2] },
      clickIds: {
        li_fat_id: { value: 'a1b2c3d4-li-fat', clickedAt: new Date(OCCURRED.getTime() - 60 * DAY) },
      },
      ...journey,
    },
  };
}

const sent = (decision: ReturnType<typeof buildLinkedInEvent>): LinkedInEvent => {
  if (decision.kind !== 'send') throw new Error(`skipped: ${decision.reason}`);
  return decision.payload;
};

describe('buildLinkedInEvent', () => {
  it('builds the element with the rule URN, ms time, decimal-string value, first email and li_fat_id', () => {
    const eventId = conversionEventId('hubspot:deal:42', 'DealWon');
    expect(buildLinkedInEvent(conversion(), { conversionRules: RULES }, NOW)).toEqual({
      kind: 'send',
      eventId,
      payload: {
        conversion: 'urn:lla:llaPartnerConversion:104013',
        conversionHappenedAt: OCCURRED.getTime(),
        conversionValue: { currencyCode: 'EUR', amount: '1500.5' },
        eventId,
        user: {
          userIds: [
            { idType: 'SHA256_EMAIL', idValue: EM },
            { idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: 'a1b2c3d4-li-fat' },
          ],
        },
      },
    });
  });

  it('skips an event name without a conversion rule', () => {
    expect(buildLinkedInEvent(conversion({ eventName: 'Churned' }), { conversionRules: RULES }, NOW)).toEqual(
      {
        kind: 'skip',
        reason: 'not mapped: no LinkedIn conversion rule for Churned',
      },
    );
  });

  it('skips an event older than 90 days', () => {
    const old = conversion({ occurredAt: new Date(NOW.getTime() - 91 * DAY) });
    expect(buildLinkedInEvent(old, { conversionRules: RULES }, NOW)).toEqual({
      kind: 'skip',
      reason: "outside LinkedIn's 90-day window",
    });
  });

  it('skips when there is neither an email nor a li_fat_id in the window', () => {
    const stale = { li_fat_id: { value: 'x', clickedAt: new Date(OCCURRED.getTime() - 91 * DAY) } };
    expect(
      buildLinkedInEvent(conversion({}, { hashes: {}, clickIds: stale }), { conversionRules: RULES }, NOW),
    ).toEqual({
      kind: 'skip',
      reason: 'nothing LinkedIn can match on (no li_fat_id or email)',
    });
  });

  it('sends with only one of the two ids', () => {
    const onlyEmail = sent(
      buildLinkedInEvent(conversion({}, { clickIds: {} }), { conversionRules: RULES }, NOW),
    );
    expect(onlyEmail.user.userIds).toEqual([{ idType: 'SHA256_EMAIL', idValue: EM }]);
    const onlyClick = sent(
      buildLinkedInEvent(conversion({}, { hashes: {} }), { conversionRules: RULES }, NOW),
    );
    expect(onlyClick.user.userIds.map((id) => id.idType)).toEqual(['LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID']);
  });

  it('never dates the event after now, leaves out a value without currency, sends no userInfo', () => {
    const future = conversion({ occurredAt: new Date(NOW.getTime() + 1000), currency: undefined });
    const event = sent(buildLinkedInEvent(future, { conversionRules: RULES }, NOW));
    expect(event.conversionHappenedAt).toBe(NOW.getTime());
    expect(event.conversionValue).toBeUndefined();
    expect(event.user).not.toHaveProperty('userInfo');
  });
});

describe('decimalString', () => {
  it('writes plain decimals, never exponents, and leaves out negatives', () => {
    expect(decimalString(1500)).toBe('1500');
    expect(decimalString(0.1)).toBe('0.1');
    expect(decimalString(1e21)).toBe('1000000000000000000000');
    expect(decimalString(0.0000005)).toBe('0.000001');
    expect(decimalString(-5)).toBeUndefined();
  });
});

describe('validateLinkedInEvent', () => {
  const event = () => sent(buildLinkedInEvent(conversion(), { conversionRules: RULES }, NOW));

  it('passes what the builder makes', () => {
    expect(validateLinkedInEvent(event(), NOW)).toBeUndefined();
  });

  it('names what LinkedIn would refuse', () => {
    const e = event();
    expect(validateLinkedInEvent({ ...e, conversion: 'urn:li:conversion:1' }, NOW)).toBe(
      'conversion_invalid',
    );
    expect(validateLinkedInEvent(e, new Date(NOW.getTime() + 91 * DAY))).toBe(
      'conversion_happened_at_too_old',
    );
    expect(validateLinkedInEvent(e, new Date(OCCURRED.getTime() - 1))).toBe(
      'conversion_happened_at_in_future',
    );
    expect(validateLinkedInEvent({ ...e, user: { userIds: [] } }, NOW)).toBe('user_ids_missing');
    const raw = { userIds: [{ idType: 'SHA256_EMAIL' as const, idValue: 'a@b.c' }] };
    expect(validateLinkedInEvent({ ...e, user: raw }, NOW)).toBe('user_not_hashed:SHA256_EMAIL');
    const twice = { userIds: [e.user.userIds[0], e.user.userIds[0]] };
    expect(validateLinkedInEvent({ ...e, user: twice }, NOW)).toBe('user_id_type_repeated');
    const amount = { currencyCode: 'EUR', amount: '1e3' };
    expect(validateLinkedInEvent({ ...e, conversionValue: amount }, NOW)).toBe('amount_invalid');
  });
});
