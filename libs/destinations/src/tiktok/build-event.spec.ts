import type { Conversion } from '../conversion';
import { conversionEventId } from '../event-id';
import { buildTikTokEvent, validateTikTokEvent, type TikTokPayload } from './build-event';

// destinations.md §2 vectors.
const EM = '848a771458438fc2ec420560d769fb9b9b86851ee338ec56517baabd79d3bb4f'; // " ALICE_abc@gmail.com "
const PH_E164 = '9f7ec22d72092cd3c0b58726ed9c2d91b92e51a3f29837508fb2948bb22dd2fd'; // +12133734253
const PH_META = 'e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176'; // 16505551212, no '+'
const CUST_1234 = 'a633811faa0a14d0ec8f379bc8efb21d3aeed9cc17935f4f4604eeb7eac5f88c'; // sha256("cust_1234")

const DAY = 86_400_000;
const OCCURRED = new Date('2026-09-20T10:00:00.000Z');
const NOW = new Date('2026-09-20T10:05:00.000Z');
const CLICKED = new Date('2026-09-01T08:00:00.000Z');

function conversion(
  over: Partial<Conversion> = {},
  journey: Partial<Conversion['journey']> = {},
): Conversion {
  return {
    leadEventSource: 'HubSpot',
    objectKey: 'hubspot:deal:42',
    eventName: 'QualifiedLead',
    occurredAt: OCCURRED,
    value: 1500,
    currency: 'eur',
    ...over,
    journey: {
      externalId: ' CUST_1234 ',
      ip: '203.0.113.7',
      userAgent: 'Mozilla/5.0',
      hashes: { em: [EM, EM.toUpperCase(), 'not-a-hash'], ph: [PH_META], ph_e164: [PH_E164] },
      clickIds: { ttclid: { value: 'E.C.P.abc', clickedAt: CLICKED } },
      ...journey,
    },
  };
}

const sent = (decision: ReturnType<typeof buildTikTokEvent>): TikTokPayload => {
  if (decision.kind !== 'send') throw new Error(`skipped: ${decision.reason}`);
  return decision.payload;
};

describe('buildTikTokEvent', () => {
  it('builds the web event with hashed keys, the ttclid and the value', () => {
    const decision = buildTikTokEvent(conversion(), {}, NOW);
    const eventId = conversionEventId('hubspot:deal:42', 'QualifiedLead');
    expect(decision).toEqual({
      kind: 'send',
      eventId,
      payload: {
        source: 'web',
        event: {
          event: 'QualifiedLead',
          event_time: OCCURRED.getTime() / 1000,
          event_id: eventId,
          user: {
            ttclid: 'E.C.P.abc',
            email: [EM],
            phone: [PH_E164],
            external_id: [CUST_1234],
            ip: '203.0.113.7',
            user_agent: 'Mozilla/5.0',
          },
          properties: { value: 1500, currency: 'EUR' },
        },
      },
    });
  });

  it("never sends Meta's phone hash (no '+'), only ph_e164", () => {
    const event = sent(
      buildTikTokEvent(conversion({}, { hashes: { em: [EM], ph: [PH_META] } }), {}, NOW),
    ).event;
    expect(event.user.phone).toBeUndefined();
    expect(JSON.stringify(event)).not.toContain(PH_META);
  });

  it('leaves out a ttclid clicked more than 28 days before the event, or after it', () => {
    const old = { ttclid: { value: 'E.C.P.old', clickedAt: new Date(OCCURRED.getTime() - 29 * DAY) } };
    expect(
      sent(buildTikTokEvent(conversion({}, { clickIds: old }), {}, NOW)).event.user.ttclid,
    ).toBeUndefined();
    const later = { ttclid: { value: 'E.C.P.late', clickedAt: new Date(OCCURRED.getTime() + 1000) } };
    expect(
      sent(buildTikTokEvent(conversion({}, { clickIds: later }), {}, NOW)).event.user.ttclid,
    ).toBeUndefined();
  });

  it('skips an event older than 28 days', () => {
    const decision = buildTikTokEvent(
      conversion({ occurredAt: new Date(NOW.getTime() - 28 * DAY - 1) }),
      {},
      NOW,
    );
    expect(decision).toEqual({ kind: 'skip', reason: "outside TikTok's 28-day window" });
  });

  it('skips when only the external_id is known (every journey has one)', () => {
    const decision = buildTikTokEvent(conversion({}, { hashes: {}, clickIds: {} }), {}, NOW);
    expect(decision).toEqual({
      kind: 'skip',
      reason: 'nothing TikTok can match on (no ttclid, email or phone)',
    });
  });

  it('sends with a ttclid alone, or an email alone', () => {
    expect(buildTikTokEvent(conversion({}, { hashes: {} }), {}, NOW).kind).toBe('send');
    expect(buildTikTokEvent(conversion({}, { clickIds: {}, hashes: { em: [EM] } }), {}, NOW).kind).toBe(
      'send',
    );
  });

  it('never dates the event after now, and leaves out a value without a currency', () => {
    const event = sent(
      buildTikTokEvent(
        conversion({ occurredAt: new Date(NOW.getTime() + 60_000), currency: undefined }),
        {},
        NOW,
      ),
    ).event;
    expect(event.event_time).toBe(NOW.getTime() / 1000);
    expect(event.properties).toEqual({});
  });

  it('sets limited_data_use under LDU', () => {
    const event = sent(buildTikTokEvent(conversion({ ldu: { country: 1, state: 1000 } }), {}, NOW)).event;
    expect(event.limited_data_use).toBe(true);
    expect(sent(buildTikTokEvent(conversion(), {}, NOW)).event.limited_data_use).toBeUndefined();
  });

  it('sends an Instant Form lead to the CRM event set, without web-only keys', () => {
    const lead = conversion({}, { leadId: '7301234567890123456', hashes: {}, clickIds: {} });
    const payload = sent(buildTikTokEvent(lead, { crmEventSetId: '7300000000001' }, NOW));
    expect(payload.source).toBe('crm');
    expect(payload.event.lead).toEqual({ lead_id: '7301234567890123456', lead_event_source: 'HubSpot' });
    expect(payload.event.user).toEqual({ external_id: [CUST_1234] });
  });

  it('sends a lead as web when no CRM event set is configured', () => {
    const payload = sent(buildTikTokEvent(conversion({}, { leadId: '7301234567890123456' }), {}, NOW));
    expect(payload.source).toBe('web');
    expect(payload.event.lead).toBeUndefined();
  });
});

describe('validateTikTokEvent', () => {
  const payload = () => sent(buildTikTokEvent(conversion(), {}, NOW));

  it('passes what the builder makes', () => {
    expect(validateTikTokEvent(payload(), NOW)).toBeUndefined();
  });

  it('names what TikTok would refuse', () => {
    const p = payload();
    expect(validateTikTokEvent({ ...p, event: { ...p.event, event_time: 1.5 } }, NOW)).toBe(
      'event_time_invalid',
    );
    expect(validateTikTokEvent(p, new Date(NOW.getTime() + 29 * DAY))).toBe('event_time_too_old');
    expect(validateTikTokEvent(p, new Date(OCCURRED.getTime() - 1000))).toBe('event_time_in_future');
    const raw = { ...p.event, user: { ...p.event.user, email: ['alice@example.com'] } };
    expect(validateTikTokEvent({ ...p, event: raw }, NOW)).toBe('user_not_hashed:email');
    const bare = { ...p.event, user: { external_id: [CUST_1234] } };
    expect(validateTikTokEvent({ ...p, event: bare }, NOW)).toBe('user_not_matchable');
    expect(validateTikTokEvent({ ...p, source: 'crm' }, NOW)).toBe('lead_id_missing');
    const noCurrency = { ...p.event, properties: { value: 5 } };
    expect(validateTikTokEvent({ ...p, event: noCurrency }, NOW)).toBe('currency_invalid');
  });
});
