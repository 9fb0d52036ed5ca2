import { buildCapiEvent, validateCapiEvent, type CapiServerEvent } from './build-event';
import type { CapiEventInput } from '../conversion';
import { capiEventId } from './event-id';

// meta-capi.md §9 vectors.
const EM = '62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f'; // john_smith@gmail.com
const EM2 = '973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b'; // test@example.com
const PH = 'e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176'; // 16505551212
const FN = '6915771be1c5aa0c886870b6951b03d7eafc121fea0e80a5ea83beb7c449f4ec'; // mary
const COUNTRY = '79adb2a2fce5c6ba215fe5f27f532d4e7edbac4b6a5e09e1ef3a08084a904621'; // us
const CUST_1234 = 'a633811faa0a14d0ec8f379bc8efb21d3aeed9cc17935f4f4604eeb7eac5f88c'; // vector 36

const DAY = 86_400_000;
const OCCURRED = new Date('2026-09-20T10:00:00.000Z');
const NOW = new Date('2026-09-20T10:05:00.000Z');
const LANDING = new Date('2026-09-01T08:00:00.000Z');
const FBC = `fb.1.${LANDING.getTime()}.AbCdEfGh`;

function input(
  over: Partial<CapiEventInput> = {},
  journey: Partial<CapiEventInput['journey']> = {},
): CapiEventInput {
  return {
    leadEventSource: 'HubSpot',
    objectKey: 'hubspot:deal:42',
    eventName: 'DealWon',
    occurredAt: OCCURRED,
    value: 1250.5,
    currency: 'eur',
    ...over,
    journey: {
      externalId: ' CUST_1234 ',
      fbc: { value: FBC, createdAt: LANDING },
      fbp: 'fb.1.1596403881668.1116446470',
      ip: '2001:db8::7334',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
      hashes: { em: [EM, EM2.toUpperCase(), EM, ''], ph: [PH], fn: [FN], country: [COUNTRY], ln: [] },
      leadId: '1234567890123456789'.slice(0, 17),
      firstTouch: {
        occurredAt: LANDING,
        url: 'https://example.com/?utm_source=facebook&email=john_smith%40gmail.com',
        utm_source: 'facebook',
        utm_medium: 'paid_social',
        utm_campaign: 'autumn',
        fbclid: 'AbCdEfGh',
      },
      lastTouch: {
        occurredAt: new Date('2026-09-15T09:30:00.000Z'),
        utm_source: 'google',
        utm_medium: null,
        utm_campaign: '  ',
        gclid: 'Cj0KCQ',
      },
      ...journey,
    },
  };
}

describe('buildCapiEvent', () => {
  it('builds the full Conversion Leads event', () => {
    expect(buildCapiEvent(input(), { now: NOW })).toEqual({
      event_name: 'DealWon',
      event_time: OCCURRED.getTime() / 1000,
      event_id: capiEventId('hubspot:deal:42', 'DealWon'),
      action_source: 'system_generated',
      user_data: {
        external_id: [CUST_1234],
        em: [EM, EM2],
        ph: [PH],
        fn: [FN],
        country: [COUNTRY],
        fbc: FBC,
        fbp: 'fb.1.1596403881668.1116446470',
        client_ip_address: '2001:db8::7334',
        client_user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
        lead_id: '12345678901234567',
      },
      custom_data: {
        event_source: 'crm',
        lead_event_source: 'HubSpot',
        value: 1250.5,
        currency: 'EUR',
        first_touch_utm_source: 'facebook',
        first_touch_utm_medium: 'paid_social',
        first_touch_utm_campaign: 'autumn',
        first_touch_click_id_type: 'fbclid',
        first_touch_at: '2026-09-01T08:00:00.000Z',
        last_touch_utm_source: 'google',
        last_touch_click_id_type: 'gclid',
        last_touch_at: '2026-09-15T09:30:00.000Z',
      },
    });
  });

  it('keeps the event_id stable across rebuilds and distinct per event name', () => {
    const first = buildCapiEvent(input(), { now: NOW });
    const retry = buildCapiEvent(input(), { now: new Date(NOW.getTime() + 3 * DAY) });
    expect(retry.event_id).toBe(first.event_id);
    expect(retry).toEqual(first);
    expect(buildCapiEvent(input({ eventName: 'QualifiedLead' }), { now: NOW }).event_id).not.toBe(
      first.event_id,
    );
  });

  it('hashes external_id lower-cased and trimmed (§9 vector 36)', () => {
    for (const externalId of ['CUST_1234', 'cust_1234', '  Cust_1234\n']) {
      expect(buildCapiEvent(input({}, { externalId }), { now: NOW }).user_data.external_id).toEqual([
        CUST_1234,
      ]);
    }
  });

  it('sends fbc only within 90 days before the event, never re-dated', () => {
    const at = (createdAt: Date) =>
      buildCapiEvent(input({}, { fbc: { value: FBC, createdAt } }), { now: NOW }).user_data.fbc;
    expect(at(new Date(OCCURRED.getTime() - 90 * DAY))).toBe(FBC);
    expect(at(new Date(OCCURRED.getTime() - 90 * DAY - 1))).toBeUndefined();
    expect(at(new Date(OCCURRED.getTime() + 1000))).toBeUndefined(); // newer than the event
    expect(at(OCCURRED)).toBe(FBC);
  });

  it('omits fbc, fbp, ip, user agent, lead_id and empty hash keys when absent', () => {
    const event = buildCapiEvent(
      input(
        {},
        { fbc: undefined, fbp: undefined, ip: ' ', userAgent: undefined, leadId: undefined, hashes: {} },
      ),
      { now: NOW },
    );
    expect(event.user_data).toEqual({ external_id: [CUST_1234] });
  });

  it('sends lead_id only as a 15–17 digit string', () => {
    const lead = (leadId: string) => buildCapiEvent(input({}, { leadId }), { now: NOW }).user_data.lead_id;
    expect(lead('9007199254740993')).toBe('9007199254740993'); // beyond MAX_SAFE_INTEGER, exact
    expect(lead(' 123456789012345 ')).toBe('123456789012345');
    expect(lead('12345')).toBeUndefined();
    expect(lead('l:123456789012345')).toBeUndefined();
  });

  it('adds value and currency only together and when known', () => {
    const custom = (value?: number, currency?: string) =>
      buildCapiEvent(input({ value, currency }), { now: NOW }).custom_data;
    expect(custom(0, 'usd')).toMatchObject({ value: 0, currency: 'USD' });
    for (const [value, currency] of [
      [undefined, 'USD'],
      [100, undefined],
      [Number.NaN, 'USD'],
      [100, 'euro'],
    ] as const) {
      const data = custom(value, currency);
      expect(data).not.toHaveProperty('value');
      expect(data).not.toHaveProperty('currency');
    }
  });

  it('omits attribution for absent touches and never copies URLs, click ids or email-like UTMs', () => {
    const none = buildCapiEvent(input({}, { firstTouch: undefined, lastTouch: undefined }), { now: NOW });
    expect(none.custom_data).toEqual({
      event_source: 'crm',
      lead_event_source: 'HubSpot',
      value: 1250.5,
      currency: 'EUR',
    });
    const leaky = buildCapiEvent(
      input(
        {},
        { lastTouch: { occurredAt: LANDING, utm_source: 'newsletter', utm_campaign: 'to john@example.com' } },
      ),
      { now: NOW },
    );
    expect(leaky.custom_data.last_touch_utm_source).toBe('newsletter');
    expect(leaky.custom_data).not.toHaveProperty('last_touch_utm_campaign');
    const json = JSON.stringify(buildCapiEvent(input(), { now: NOW }));
    expect(json).not.toContain('https://example.com');
    expect(json.split('AbCdEfGh').length - 1).toBe(1); // the fbclid only inside fbc
    expect(json).not.toContain('Cj0KCQ');
  });

  it('passes hashes through and never lets raw PII or raw ids into the JSON', () => {
    const event = buildCapiEvent(
      input(
        { objectKey: 'hubspot:contact:mary@example.com' },
        {
          externalId: 'CUST_1234',
          hashes: { em: ['mary@example.com', EM], ph: ['+16505551212'], fn: ['Mary'] },
        },
      ),
      { now: NOW },
    );
    expect(event.user_data.em).toEqual([EM]);
    expect(event.user_data.ph).toBeUndefined();
    expect(event.user_data.fn).toBeUndefined();
    const json = JSON.stringify(event);
    for (const raw of [
      'mary@example.com',
      '6505551212',
      'Mary',
      'CUST_1234',
      'cust_1234',
      'hubspot:contact',
    ]) {
      expect(json).not.toContain(raw);
    }
    expect(json).toContain(EM);
  });

  it('never dates the event after now, and adds LDU only when asked', () => {
    const future = buildCapiEvent(input({ occurredAt: new Date(NOW.getTime() + 120_000) }), { now: NOW });
    expect(future.event_time).toBe(NOW.getTime() / 1000);
    expect(future).not.toHaveProperty('data_processing_options');
    const ldu = buildCapiEvent(input(), { now: NOW, ldu: { country: 1, state: 0 } });
    expect(ldu).toMatchObject({
      data_processing_options: ['LDU'],
      data_processing_options_country: 1,
      data_processing_options_state: 0,
    });
  });
});

describe('validateCapiEvent', () => {
  const valid = () => buildCapiEvent(input(), { now: NOW });
  const withUserData = (userData: Record<string, unknown>): CapiServerEvent =>
    ({ ...valid(), user_data: userData }) as unknown as CapiServerEvent;

  it('accepts a built event', () => {
    expect(validateCapiEvent(valid())).toBeNull();
    expect(validateCapiEvent(valid(), NOW)).toBeNull();
    expect(
      validateCapiEvent(buildCapiEvent(input(), { now: NOW, ldu: { country: 1, state: 0 } })),
    ).toBeNull();
  });

  it('rejects user_data made only of a weak combination (§2.3)', () => {
    expect(validateCapiEvent(withUserData({ ge: [FN], ct: [FN], st: [FN], country: [COUNTRY] }))).toBe(
      'user_data_weak',
    );
    expect(validateCapiEvent(withUserData({ db: [FN], client_user_agent: 'UA' }))).toBe('user_data_weak');
    expect(validateCapiEvent(withUserData({ fn: [FN], ge: [FN] }))).toBe('user_data_weak');
    expect(validateCapiEvent(withUserData({ ln: [FN] }))).toBe('user_data_weak');
    expect(validateCapiEvent(withUserData({}))).toBe('user_data_empty');
    expect(validateCapiEvent(withUserData({ em: [] }))).toBe('user_data_empty');
    expect(validateCapiEvent(withUserData({ fn: [FN], ln: [FN] }))).toBeNull();
    expect(validateCapiEvent(withUserData({ ge: [FN], external_id: [CUST_1234] }))).toBeNull();
    expect(validateCapiEvent(withUserData({ lead_id: '123456789012345' }))).toBeNull();
  });

  it('rejects unhashed keys, a bad lead_id, bad value, missing fields and stale times', () => {
    expect(validateCapiEvent(withUserData({ em: ['john@example.com'] }))).toBe('user_data_not_hashed:em');
    expect(validateCapiEvent(withUserData({ external_id: 'CUST_1234' }))).toBe(
      'user_data_not_hashed:external_id',
    );
    expect(validateCapiEvent(withUserData({ lead_id: '12ab' }))).toBe('lead_id_invalid');
    const event = valid();
    expect(validateCapiEvent({ ...event, event_name: ' ' })).toBe('event_name_missing');
    expect(validateCapiEvent({ ...event, event_time: 1.5 })).toBe('event_time_invalid');
    expect(validateCapiEvent({ ...event, event_id: '' })).toBe('event_id_invalid');
    expect(validateCapiEvent({ ...event, action_source: 'crm' as 'system_generated' })).toBe(
      'action_source_invalid',
    );
    expect(
      validateCapiEvent({ ...event, custom_data: { ...event.custom_data, lead_event_source: '' } }),
    ).toBe('lead_event_source_missing');
    expect(validateCapiEvent({ ...event, custom_data: { ...event.custom_data, currency: 'eur' } })).toBe(
      'currency_invalid',
    );
    expect(validateCapiEvent({ ...event, data_processing_options: ['LDU'] })).toBe('ldu_country_missing');
    expect(validateCapiEvent(event, new Date(OCCURRED.getTime() + 7 * DAY + 1000))).toBe(
      'event_time_too_old',
    );
    expect(validateCapiEvent(event, new Date(OCCURRED.getTime() - 1000))).toBe('event_time_in_future');
  });
});
