import {
  decodeTcfCore,
  dispatchGate,
  MAX_EVENT_AGE_MS,
  META_TCF_PURPOSES,
  type DispatchGateInput,
} from './dispatch-gates';

/** Encodes an IAB TCF v2 core segment field by field (the layout of the IAB spec), as base64url. */
function encodeTc(options: {
  version?: number;
  purposes?: number[];
  vendors?: number[];
  maxVendorId?: number;
  encoding?: 'bitfield' | 'range';
  truncateBits?: number;
}): string {
  let bits = '';
  const put = (value: number, length: number) => (bits += value.toString(2).padStart(length, '0'));
  const deciseconds = Math.round(Date.UTC(2026, 8, 1) / 100);
  put(options.version ?? 2, 6);
  put(deciseconds, 36); // Created
  put(deciseconds, 36); // LastUpdated
  put(7, 12); // CmpId
  put(1, 12); // CmpVersion
  put(1, 6); // ConsentScreen
  put(0, 12); // ConsentLanguage ("AA")
  put(150, 12); // VendorListVersion
  put(4, 6); // TcfPolicyVersion
  put(0, 1); // IsServiceSpecific
  put(0, 1); // UseNonStandardTexts
  put(0, 12); // SpecialFeatureOptIns
  const purposes = options.purposes ?? [];
  for (let p = 1; p <= 24; p++) put(purposes.includes(p) ? 1 : 0, 1); // PurposesConsent
  put(0, 24); // PurposesLITransparency
  put(0, 1); // PurposeOneTreatment
  put(0, 12); // PublisherCC
  const vendors = options.vendors ?? [];
  const maxVendorId = options.maxVendorId ?? Math.max(0, ...vendors);
  put(maxVendorId, 16);
  if ((options.encoding ?? 'bitfield') === 'bitfield') {
    put(0, 1);
    for (let v = 1; v <= maxVendorId; v++) put(vendors.includes(v) ? 1 : 0, 1);
  } else {
    put(1, 1);
    // Group consecutive ids into ranges.
    const sorted = [...vendors].sort((a, b) => a - b);
    const groups: [number, number][] = [];
    for (const v of sorted) {
      const last = groups[groups.length - 1];
      if (last && v === last[1] + 1) last[1] = v;
      else groups.push([v, v]);
    }
    put(groups.length, 12);
    for (const [first, end] of groups) {
      put(first === end ? 0 : 1, 1);
      put(first, 16);
      if (first !== end) put(end, 16);
    }
  }
  if (options.truncateBits) bits = bits.slice(0, options.truncateBits);
  while (bits.length % 6) bits += '0';
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  let out = '';
  for (let i = 0; i < bits.length; i += 6) out += alphabet[parseInt(bits.slice(i, i + 6), 2)];
  return out;
}

const NOW = new Date('2026-09-20T12:00:00Z');
const ALL_PURPOSES = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const base = (over: Partial<DispatchGateInput> = {}): DispatchGateInput => ({
  occurredAt: new Date(NOW.getTime() - 60_000),
  now: NOW,
  touchpoints: [{ isBot: false }],
  ...over,
});

describe('dispatchGate', () => {
  it('passes a fresh, consented, human event without LDU', () => {
    expect(dispatchGate(base({ consent: { ad_user_data: 'granted' } }))).toEqual({ status: 'ok' });
    expect(dispatchGate(base())).toEqual({ status: 'ok' });
  });

  it('blocks when Consent Mode ad_user_data is denied', () => {
    expect(dispatchGate(base({ consent: { ad_user_data: 'denied', ad_storage: 'granted' } }))).toEqual({
      status: 'blocked_consent',
      reason: 'ad_user_data_denied',
    });
  });

  it('blocks a journey whose touchpoints are all bots, not one with a human touch or none', () => {
    expect(dispatchGate(base({ touchpoints: [{ isBot: true }, { isBot: true }] }))).toEqual({
      status: 'blocked_bot',
      reason: 'all_touchpoints_bots',
    });
    expect(dispatchGate(base({ touchpoints: [{ isBot: true }, { isBot: false }] })).status).toBe('ok');
    expect(dispatchGate(base({ touchpoints: [] })).status).toBe('ok');
  });

  it('expires events older than 7 days minus the 1 h margin, and far-future ones', () => {
    const at = (ms: number) => dispatchGate(base({ occurredAt: new Date(NOW.getTime() - ms) }));
    expect(MAX_EVENT_AGE_MS).toBe(7 * 86_400_000 - 3_600_000);
    expect(at(MAX_EVENT_AGE_MS).status).toBe('ok');
    expect(at(MAX_EVENT_AGE_MS + 1)).toEqual({ status: 'expired', reason: 'event_time_older_than_7_days' });
    expect(at(8 * 86_400_000).status).toBe('expired');
    expect(at(-5 * 60_000).status).toBe('ok'); // clock skew
    expect(at(-11 * 60_000)).toEqual({ status: 'expired', reason: 'event_time_in_future' });
    expect(dispatchGate(base({ occurredAt: new Date('nope') })).status).toBe('expired');
  });

  it('checks consent before bots and age', () => {
    const result = dispatchGate(
      base({
        consent: { ad_user_data: 'denied' },
        touchpoints: [{ isBot: true }],
        occurredAt: new Date(NOW.getTime() - 30 * 86_400_000),
      }),
    );
    expect(result.status).toBe('blocked_consent');
  });

  it('returns LDU (country 1, state 0) for a US privacy opt-out only', () => {
    expect(dispatchGate(base({ usPrivacyOptOut: true }))).toEqual({
      status: 'ok',
      ldu: { country: 1, state: 0 },
    });
    expect(dispatchGate(base({ usPrivacyOptOut: false }))).toEqual({ status: 'ok' });
  });
});

describe('TCF strings', () => {
  const gate = (tcf_string: string, tcfVendorId?: number) =>
    dispatchGate(base({ consent: { tcf_string }, tcfVendorId }));

  it('passes when every purpose Meta needs is consented', () => {
    expect(gate(encodeTc({ purposes: ALL_PURPOSES, vendors: [1, 2] })).status).toBe('ok');
    expect(gate(encodeTc({ purposes: [...META_TCF_PURPOSES] })).status).toBe('ok');
  });

  it('blocks when a required purpose is not consented', () => {
    expect(gate(encodeTc({ purposes: [1, 2, 3, 7] }))).toEqual({
      status: 'blocked_consent',
      reason: 'tcf_purpose_denied:4',
    });
    expect(gate(encodeTc({ purposes: [] })).status).toBe('blocked_consent');
  });

  it.each(['bitfield', 'range'] as const)('reads vendor consent in %s encoding', (encoding) => {
    const granted = encodeTc({ purposes: ALL_PURPOSES, vendors: [3, 89, 90, 91, 755], encoding });
    const without = encodeTc({ purposes: ALL_PURPOSES, vendors: [3, 88, 92, 755], encoding });
    expect(gate(granted, 90).status).toBe('ok');
    expect(gate(granted, 755).status).toBe('ok');
    expect(gate(without, 90)).toEqual({ status: 'blocked_consent', reason: 'tcf_vendor_denied:90' });
    expect(gate(without, 1000).status).toBe('blocked_consent'); // beyond MaxVendorId

    const decoded = decodeTcfCore(granted);
    expect(decoded?.version).toBe(2);
    expect(decoded?.cmpId).toBe(7);
    expect(decoded?.vendorListVersion).toBe(150);
    expect([88, 89, 90, 91, 92].map((id) => decoded?.vendorConsent(id))).toEqual([
      false,
      true,
      true,
      true,
      false,
    ]);
  });

  it('ignores the segments after the core one', () => {
    const tc = `${encodeTc({ purposes: ALL_PURPOSES, vendors: [5] })}.IFoEUQQgAIQwgIwQABAEAAAAOIAACAIAAAAQAIAgEAACEAAAAAgAQBAAAAAAAGBAAgAA`;
    expect(gate(tc, 5).status).toBe('ok');
  });

  it.each([
    ['empty', ''],
    ['not base64url', 'CP!!not*base64'],
    ['version 1', encodeTc({ version: 1, purposes: ALL_PURPOSES })],
    ['truncated before vendors', encodeTc({ purposes: ALL_PURPOSES, truncateBits: 200 })],
    [
      'bitfield shorter than MaxVendorId',
      encodeTc({ purposes: ALL_PURPOSES, vendors: [900], truncateBits: 600 }),
    ],
    [
      'truncated range',
      encodeTc({ purposes: ALL_PURPOSES, vendors: [10, 20], encoding: 'range', truncateBits: 245 }),
    ],
  ])('fails closed on an unreadable string (%s)', (_label, tcf) => {
    expect(gate(tcf)).toEqual({ status: 'blocked_consent', reason: 'tcf_unreadable' });
  });
});
