/**
 * Gates a lifecycle event must pass before it may go to Meta CAPI: consent, bots, age. Pure functions; the
 * caller records the returned status and reason on the lifecycle event (SPEC "Consent and bots", "Dispatch").
 */
import type { ConsentSnapshot } from './consent';

/** Limited Data Use for US state-privacy opt-outs: `data_processing_options_country` / `_state`. */
export interface LduOptions {
  country: number;
  state: number;
}

export type DispatchGateResult =
  | { status: 'blocked_consent' | 'blocked_bot' | 'expired'; reason: string }
  | { status: 'ok'; ldu?: LduOptions };

export interface DispatchGateInput {
  /** When the stage changed (the CAPI `event_time`). */
  occurredAt: Date;
  now: Date;
  /** The consent that applies to the journey (latest recorded); absent = no signal recorded. */
  consent?: ConsentSnapshot;
  touchpoints: { isBot: boolean }[];
  /** A US state-privacy opt-out (e.g. CCPA "do not sell/share") was recorded: send with LDU. */
  usPrivacyOptOut?: boolean;
  /** IAB GVL vendor id whose VendorConsents bit must also be set (see META_TCF_VENDOR_ID). */
  tcfVendorId?: number;
  /**
   * The longest send window among the configured destinations (default Meta's, MAX_EVENT_AGE_MS); each
   * destination then applies its own.
   */
  maxAgeMs?: number;
}

const HOUR_MS = 60 * 60 * 1000;
/**
 * Meta refuses an event_time older than 7 days, and one such event fails the whole batch. The gate runs
 * before queueing, batching and retries (back-off, throttling) and clocks drift, so we stop one hour short:
 * an event that passes here still has at least an hour to reach Meta. Re-run the gate before every (re)send.
 */
export const MAX_EVENT_AGE_MS = 7 * 24 * HOUR_MS - HOUR_MS;
/** Meta documents no future tolerance; more than this ahead of our clock is a broken timestamp, not skew. */
export const MAX_EVENT_FUTURE_MS = 10 * 60 * 1000;

/**
 * Meta is not a registered IAB TCF vendor (it is absent from the reference and from the GVL as CMPs
 * describe it: a "non-IAB" / custom vendor), so no core TC string can carry a vendor bit for Meta. What the
 * string can say is whether the user consented to the purposes a CMP assigns to Meta's custom vendor:
 * 1 store/access on a device (_fbp/_fbc), 3 create and 4 use ads profiles, 7 measure ad performance.
 * All four are required. When an operator knows a vendor id to honour too, pass it as `tcfVendorId`.
 */
export const META_TCF_PURPOSES: readonly number[] = [1, 3, 4, 7];
/** No GVL id exists for Meta (see META_TCF_PURPOSES); kept as an explicit, overridable default. */
export const META_TCF_VENDOR_ID: number | undefined = undefined;

/** US opt-out: LDU with country 1 (USA) and state 0 (Meta geolocates the state from the IP). */
export const US_LDU: LduOptions = { country: 1, state: 0 };

export function dispatchGate(input: DispatchGateInput): DispatchGateResult {
  const consent = consentGate(input.consent, input.tcfVendorId ?? META_TCF_VENDOR_ID);
  if (consent) return { status: 'blocked_consent', reason: consent };

  if (input.touchpoints.length > 0 && input.touchpoints.every((touch) => touch.isBot)) {
    return { status: 'blocked_bot', reason: 'all_touchpoints_bots' };
  }

  const age = input.now.getTime() - input.occurredAt.getTime();
  if (Number.isNaN(age)) return { status: 'expired', reason: 'event_time_invalid' };
  const maxAgeMs = input.maxAgeMs ?? MAX_EVENT_AGE_MS;
  if (age > maxAgeMs) {
    const days = Math.round((maxAgeMs + HOUR_MS) / (24 * HOUR_MS));
    return { status: 'expired', reason: `event_time_older_than_${days}_days` };
  }
  if (-age > MAX_EVENT_FUTURE_MS) return { status: 'expired', reason: 'event_time_in_future' };

  return input.usPrivacyOptOut ? { status: 'ok', ldu: { ...US_LDU } } : { status: 'ok' };
}

/** The reason advertising consent is missing, or undefined when the event may be sent. */
function consentGate(consent: ConsentSnapshot | undefined, vendorId: number | undefined): string | undefined {
  if (!consent) return undefined;
  if (consent.ad_user_data === 'denied') return 'ad_user_data_denied';
  if (consent.tcf_string === undefined) return undefined;
  const tc = decodeTcfCore(consent.tcf_string);
  if (!tc) return 'tcf_unreadable';
  const missing = META_TCF_PURPOSES.filter((purpose) => !tc.purposeConsent(purpose));
  if (missing.length) return `tcf_purpose_denied:${missing.join(',')}`;
  if (vendorId !== undefined && !tc.vendorConsent(vendorId)) return `tcf_vendor_denied:${vendorId}`;
  return undefined;
}

export interface TcfCore {
  version: number;
  cmpId: number;
  vendorListVersion: number;
  /** Purpose ids 1..24 with consent. */
  purposeConsent(purpose: number): boolean;
  /** Whether VendorConsents grants this GVL vendor id. */
  vendorConsent(vendorId: number): boolean;
}

// Core segment field offsets (IAB TCF v2 "Consent string and vendor list formats", core segment).
const PURPOSES_CONSENT_OFFSET = 152; // after Version..SpecialFeatureOptIns (6+36+36+12+12+6+12+12+6+1+1+12)
const MAX_VENDOR_ID_OFFSET = 213; // after PurposesConsent 24, PurposesLITransparency 24, PurposeOneTreatment 1, PublisherCC 12

/**
 * Minimal IAB TCF v2 core-string decoder: base64url, version 2, PurposesConsent and the VendorConsents
 * section (bitfield or range encoding). Returns undefined for anything it cannot read (callers fail closed).
 */
export function decodeTcfCore(tcString: string): TcfCore | undefined {
  const core = tcString.trim().split('.')[0];
  const bits = base64UrlToBits(core);
  if (!bits) return undefined;
  const read = (offset: number, length: number): number | undefined => {
    if (offset + length > bits.length) return undefined;
    let value = 0;
    for (let i = 0; i < length; i++) value = value * 2 + bits[offset + i];
    return value;
  };

  const version = read(0, 6);
  if (version !== 2) return undefined;
  const cmpId = read(78, 12) ?? 0;
  const vendorListVersion = read(120, 12) ?? 0;
  const maxVendorId = read(MAX_VENDOR_ID_OFFSET, 16);
  const isRange = read(MAX_VENDOR_ID_OFFSET + 16, 1);
  if (maxVendorId === undefined || isRange === undefined) return undefined;

  let start = MAX_VENDOR_ID_OFFSET + 17;
  const granted = new Set<number>();
  const ranges: [number, number][] = [];
  if (isRange === 0) {
    if (start + maxVendorId > bits.length) return undefined;
    for (let id = 1; id <= maxVendorId; id++) if (bits[start + id - 1] === 1) granted.add(id);
  } else {
    const entries = read(start, 12);
    if (entries === undefined) return undefined;
    start += 12;
    for (let i = 0; i < entries; i++) {
      const isARange = read(start, 1);
      const first = read(start + 1, 16);
      if (isARange === undefined || first === undefined) return undefined;
      start += 17;
      let last = first;
      if (isARange === 1) {
        const end = read(start, 16);
        if (end === undefined || end < first) return undefined;
        last = end;
        start += 16;
      }
      if (first < 1 || last > maxVendorId) return undefined;
      ranges.push([first, last]);
    }
  }

  return {
    version,
    cmpId,
    vendorListVersion,
    purposeConsent: (purpose) =>
      purpose >= 1 && purpose <= 24 && bits[PURPOSES_CONSENT_OFFSET + purpose - 1] === 1,
    vendorConsent: (vendorId) =>
      granted.has(vendorId) || ranges.some(([first, last]) => vendorId >= first && vendorId <= last),
  };
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Bits of a base64url string (no padding; '+' and '/' tolerated as some CMPs emit them). */
function base64UrlToBits(value: string): number[] | undefined {
  if (!value || !/^[A-Za-z0-9\-_+/]+=*$/.test(value)) return undefined;
  const bits: number[] = [];
  for (const char of value.replace(/=+$/, '')) {
    const index = BASE64URL.indexOf(char === '+' ? '-' : char === '/' ? '_' : char);
    for (let bit = 5; bit >= 0; bit--) bits.push((index >> bit) & 1);
  }
  return bits;
}
