import type { Conversion } from '../conversion';
import { conversionEventId } from '../event-id';
import { buildGoogleEvent, GOOGLE_SKIP, type GooglePayload, validateGoogleEvent } from './build-event';

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date('2026-09-10T12:00:00.000Z');
const EM = 'a'.repeat(64);
const EM_GOOGLE = 'b'.repeat(64);
const PH_E164 = 'c'.repeat(64);
const PH_META = 'd'.repeat(64);
const GCLID = 'Cj0KCQjwgclid_TEST-123';
const settings = { conversionActions: { QualifiedLead: '111', DealWon: '222' } };

const daysAgo = (days: number) => new Date(NOW.getTime() - days * DAY);

function conversion(
  overrides: Partial<Conversion> = {},
  journey: Partial<Conversion['journey']> = {},
): Conversion {
  return {
    leadEventSource: 'HubSpot',
    objectKey: 'hubspot:deal:42',
    eventName: 'DealWon',
    occurredAt: daysAgo(1),
    value: 1500,
    currency: 'eur',
    ...overrides,
    journey: {
      externalId: 'visitor-1',
      hashes: { em: [EM], ph: [PH_META], ph_e164: [PH_E164] },
      clickIds: { gclid: { value: GCLID, clickedAt: daysAgo(10) } },
      ...journey,
    },
  };
}

function sent(decision: ReturnType<typeof buildGoogleEvent>): GooglePayload {
  if (decision.kind !== 'send') throw new Error(`expected send, got skip: ${decision.reason}`);
  return decision.payload;
}

describe('buildGoogleEvent', () => {
  it('builds the event with the mapped action, shared event id, click, value and hashed identifiers', () => {
    const decision = buildGoogleEvent(conversion(), settings, NOW);
    const eventId = conversionEventId('hubspot:deal:42', 'DealWon');
    expect(decision).toEqual({
      kind: 'send',
      eventId,
      payload: {
        conversionActionId: '222',
        event: {
          transactionId: eventId,
          eventTimestamp: daysAgo(1).toISOString(),
          eventSource: 'OTHER',
          adIdentifiers: { gclid: GCLID },
          conversionValue: 1500,
          currency: 'EUR',
          userData: { userIdentifiers: [{ emailAddress: EM }, { phoneNumber: PH_E164 }] },
          consent: {
            adUserData: 'CONSENT_STATUS_UNSPECIFIED',
            adPersonalization: 'CONSENT_STATUS_UNSPECIFIED',
          },
        },
      },
    });
  });

  it('never sends Meta’s ph (hashed without the +)', () => {
    const payload = sent(buildGoogleEvent(conversion({}, { hashes: { ph: [PH_META] } }), settings, NOW));
    expect(JSON.stringify(payload)).not.toContain(PH_META);
    expect(payload.event.userData).toBeUndefined();
  });

  it('puts the gmail-normalised email first, then the other emails, deduplicated, at most 10 identifiers', () => {
    const many = Array.from({ length: 12 }, (_, i) => i.toString(16).padStart(64, 'e'));
    const payload = sent(
      buildGoogleEvent(
        conversion(
          {},
          { hashes: { em_google: [EM_GOOGLE], em: [EM, EM, 'not-a-hash', ...many], ph_e164: [PH_E164] } },
        ),
        settings,
        NOW,
      ),
    );
    const identifiers = payload.event.userData!.userIdentifiers;
    expect(identifiers).toHaveLength(10);
    expect(identifiers.slice(0, 2)).toEqual([{ emailAddress: EM_GOOGLE }, { emailAddress: EM }]);
    expect(identifiers[9]).toEqual({ phoneNumber: PH_E164 });
    expect(JSON.stringify(identifiers)).not.toContain('not-a-hash');
  });

  it('prefers gclid, then gbraid, then wbraid, sent verbatim', () => {
    const clicks = {
      gbraid: { value: 'GBRAID_value-1', clickedAt: daysAgo(3) },
      wbraid: { value: 'WBRAID_value-1', clickedAt: daysAgo(2) },
    };
    expect(
      sent(buildGoogleEvent(conversion({}, { clickIds: clicks }), settings, NOW)).event.adIdentifiers,
    ).toEqual({
      gbraid: 'GBRAID_value-1',
    });
    const onlyWbraid = { wbraid: clicks.wbraid };
    expect(
      sent(buildGoogleEvent(conversion({}, { clickIds: onlyWbraid }), settings, NOW)).event.adIdentifiers,
    ).toEqual({ wbraid: 'WBRAID_value-1' });
  });

  it('skips an event name with no conversion action', () => {
    expect(buildGoogleEvent(conversion({ eventName: 'Churned' }), settings, NOW)).toEqual({
      kind: 'skip',
      reason: 'not mapped: no Google conversion action for Churned',
    });
  });

  it('skips when there is nothing to match on', () => {
    const decision = buildGoogleEvent(
      conversion({}, { clickIds: {}, hashes: { ph: [PH_META] } }),
      settings,
      NOW,
    );
    expect(decision).toEqual({ kind: 'skip', reason: GOOGLE_SKIP.nothingToMatch });
    expect(GOOGLE_SKIP.nothingToMatch).toBe(
      'nothing Google can match on (no gclid, gbraid, wbraid, email or phone)',
    );
  });

  it('skips an event older than 90 days', () => {
    const decision = buildGoogleEvent(conversion({ occurredAt: daysAgo(91) }), settings, NOW);
    expect(decision).toEqual({ kind: 'skip', reason: GOOGLE_SKIP.eventTooOld });
  });

  it('leaves out a click older than 90 days and sends on the hashes', () => {
    const stale = { gclid: { value: GCLID, clickedAt: daysAgo(95) } };
    const payload = sent(buildGoogleEvent(conversion({}, { clickIds: stale }), settings, NOW));
    expect(payload.event.adIdentifiers).toBeUndefined();
    expect(payload.event.userData?.userIdentifiers).toHaveLength(2);
  });

  it('measures the click window at the event and at the upload', () => {
    // 80 days before the event, but the event was 20 days ago: 100 days before the upload.
    const clickIds = { gclid: { value: GCLID, clickedAt: daysAgo(100) } };
    const decision = buildGoogleEvent(
      conversion({ occurredAt: daysAgo(20) }, { clickIds, hashes: {} }),
      settings,
      NOW,
    );
    expect(decision).toEqual({ kind: 'skip', reason: GOOGLE_SKIP.clickTooOld });
    expect(GOOGLE_SKIP.clickTooOld).toContain('90-day');
  });

  it('ignores a click after the event, and a value that is not a click id', () => {
    const after = { gclid: { value: GCLID, clickedAt: daysAgo(0.5) } };
    const decision = buildGoogleEvent(conversion({}, { clickIds: after, hashes: {} }), settings, NOW);
    expect(decision).toEqual({ kind: 'skip', reason: GOOGLE_SKIP.nothingToMatch });
    const junk = { gclid: { value: 'not a gclid', clickedAt: daysAgo(2) } };
    expect(buildGoogleEvent(conversion({}, { clickIds: junk, hashes: {} }), settings, NOW).kind).toBe('skip');
  });

  it('skips an event without a valid time instead of throwing', () => {
    const decision = buildGoogleEvent(conversion({ occurredAt: new Date(Number.NaN) }), settings, NOW);
    expect(decision).toEqual({ kind: 'skip', reason: GOOGLE_SKIP.noEventTime });
  });

  it('maps Consent Mode to Google consent and drops identifiers when ad_user_data is denied', () => {
    const granted = sent(
      buildGoogleEvent(
        conversion({}, { consentMode: { adUserData: true, adPersonalization: false } }),
        settings,
        NOW,
      ),
    );
    expect(granted.event.consent).toEqual({
      adUserData: 'CONSENT_GRANTED',
      adPersonalization: 'CONSENT_DENIED',
    });

    const denied = sent(
      buildGoogleEvent(conversion({}, { consentMode: { adUserData: false } }), settings, NOW),
    );
    expect(denied.event.consent.adUserData).toBe('CONSENT_DENIED');
    expect(denied.event.userData).toBeUndefined();
    expect(denied.event.adIdentifiers).toEqual({ gclid: GCLID });
  });

  it('skips when ad_user_data is denied and there is no click id', () => {
    const decision = buildGoogleEvent(
      conversion({}, { clickIds: {}, consentMode: { adUserData: false } }),
      settings,
      NOW,
    );
    expect(decision).toEqual({ kind: 'skip', reason: 'consent: ad_user_data denied and no click id' });
  });

  it('never dates the event after now, and sends no value without a currency', () => {
    const payload = sent(
      buildGoogleEvent(
        conversion({ occurredAt: new Date(NOW.getTime() + 60_000), currency: undefined }),
        settings,
        NOW,
      ),
    );
    expect(payload.event.eventTimestamp).toBe(NOW.toISOString());
    expect(payload.event.conversionValue).toBeUndefined();
    expect(payload.event.currency).toBeUndefined();
  });
});

describe('validateGoogleEvent', () => {
  const payload = () => sent(buildGoogleEvent(conversion(), settings, NOW));

  it('passes a built payload', () => {
    expect(validateGoogleEvent(payload(), NOW)).toBeUndefined();
  });

  it('names what Google would refuse', () => {
    const with_ = (change: (p: GooglePayload) => void) => {
      const p = payload();
      change(p);
      return validateGoogleEvent(p, NOW);
    };
    expect(with_((p) => (p.conversionActionId = 'abc'))).toBe('conversion_action_invalid');
    expect(with_((p) => (p.event.eventTimestamp = 'yesterday'))).toBe('event_timestamp_invalid');
    expect(with_((p) => (p.event.eventTimestamp = daysAgo(-1).toISOString()))).toBe(
      'event_timestamp_in_future',
    );
    expect(with_((p) => (p.event.eventTimestamp = daysAgo(91).toISOString()))).toBe(
      'event_timestamp_too_old',
    );
    expect(with_((p) => (p.event.userData = { userIdentifiers: [{ emailAddress: 'x@example.com' }] }))).toBe(
      'user_identifier_not_hashed',
    );
    expect(
      with_((p) => {
        p.event.adIdentifiers = undefined;
        p.event.userData = undefined;
      }),
    ).toBe('no_identifiers');
    expect(with_((p) => (p.event.currency = 'euro'))).toBe('currency_invalid');
    expect(with_((p) => (p.event.consent.adUserData = 'CONSENT_DENIED'))).toBe(
      'user_identifiers_without_consent',
    );
  });
});
