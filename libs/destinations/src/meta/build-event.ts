/**
 * Builds the CAPI server event (one element of `data[]`) for a CRM lifecycle change, per meta-capi.md §1, §2,
 * §3 and §5 (Conversion Leads): `action_source: system_generated`, `custom_data.event_source: crm`.
 */
import { FBC_MAX_AGE_MS, sha256Hex } from '@app/journey';
import { type CapiEventInput, HASHED_KEYS, type HashedKey, type TouchSummary } from '../conversion';
import { capiEventId } from './event-id';

export type CapiUserData = Partial<Record<HashedKey, string[]>> & {
  /** sha256 of our external_id, lower-cased and trimmed first. */
  external_id: string[];
  fbc?: string;
  fbp?: string;
  client_ip_address?: string;
  client_user_agent?: string;
  /** Meta Lead Ads lead id: digits, unhashed, kept as a string (may exceed Number.MAX_SAFE_INTEGER). */
  lead_id?: string;
};

export interface CapiCustomData {
  event_source: 'crm';
  lead_event_source: string;
  value?: number;
  currency?: string;
  /** Flat attribution keys: first_touch_* / last_touch_* (Meta documents no nested custom objects). */
  [key: string]: string | number | undefined;
}

/** The exact JSON object sent as one element of `data[]`. */
export interface CapiServerEvent {
  event_name: string;
  /** Unix seconds. */
  event_time: number;
  event_id: string;
  action_source: 'system_generated';
  user_data: CapiUserData;
  custom_data: CapiCustomData;
  data_processing_options?: string[];
  data_processing_options_country?: number;
  data_processing_options_state?: number;
}

export interface BuildCapiEventOptions {
  /** Our clock; event_time is never later than it (Meta documents no future tolerance). Default: now. */
  now?: Date;
  /** Limited Data Use (US state-privacy opt-out), from the dispatch gate. */
  ldu?: { country: number; state: number };
}

const HEX64 = /^[0-9a-f]{64}$/;
/** Current Lead Ads ids are 15–17 digits; an invalid lead_id makes Meta reject the event (§5). */
const LEAD_ID = /^\d{15,17}$/;
const CURRENCY = /^[A-Z]{3}$/;
const LOOKS_LIKE_EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const CLICK_ID_TYPES = ['fbclid', 'gclid', 'gbraid', 'wbraid', 'ttclid', 'msclkid', 'li_fat_id'] as const;

export function buildCapiEvent(input: CapiEventInput, options: BuildCapiEventOptions = {}): CapiServerEvent {
  const now = options.now ?? new Date();
  const eventMs = Math.min(input.occurredAt.getTime(), now.getTime());
  const event: CapiServerEvent = {
    event_name: input.eventName,
    event_time: Math.floor(eventMs / 1000),
    event_id: capiEventId(input.objectKey, input.eventName),
    action_source: 'system_generated',
    user_data: buildUserData(input),
    custom_data: buildCustomData(input),
  };
  if (options.ldu) {
    event.data_processing_options = ['LDU'];
    event.data_processing_options_country = options.ldu.country;
    event.data_processing_options_state = options.ldu.state;
  }
  return event;
}

function buildUserData(input: CapiEventInput): CapiUserData {
  const journey = input.journey;
  const externalIds = [journey.externalId, ...(journey.linkedExternalIds ?? [])];
  const userData: CapiUserData = {
    external_id: [...new Set(externalIds.map((id) => sha256Hex(id.trim().toLowerCase())))],
  };
  for (const key of HASHED_KEYS) {
    const hashes = cleanHashes(journey.hashes[key]);
    if (hashes.length) userData[key] = hashes;
  }
  if (journey.fbc && fbcUsable(journey.fbc.createdAt, input.occurredAt)) userData.fbc = journey.fbc.value;
  const fbp = text(journey.fbp);
  if (fbp) userData.fbp = fbp;
  const ip = text(journey.ip);
  if (ip) userData.client_ip_address = ip;
  const userAgent = text(journey.userAgent);
  if (userAgent) userData.client_user_agent = userAgent;
  const leadId = text(journey.leadId);
  if (leadId && LEAD_ID.test(leadId)) userData.lead_id = leadId;
  return userData;
}

/**
 * The journey's original fbc, dated at the landing (never re-dated): sent only when the click happened at
 * most 90 days before the event, and not after it (same rule as isFbcUsableAt, on journey.fbc.createdAt).
 */
function fbcUsable(createdAt: Date, occurredAt: Date): boolean {
  const age = occurredAt.getTime() - createdAt.getTime();
  return age >= 0 && age <= FBC_MAX_AGE_MS;
}

/**
 * Hashes arrive normalised and hashed; keep only well-formed lowercase SHA-256 hex, deduplicated. Anything
 * else (a raw value that slipped through, a PB appendix) is dropped: never send what might be raw PII.
 */
function cleanHashes(values: string[] | undefined): string[] {
  const out = new Set<string>();
  for (const value of values ?? []) {
    const hash = typeof value === 'string' ? value.trim().toLowerCase() : '';
    if (HEX64.test(hash)) out.add(hash);
  }
  return [...out];
}

function buildCustomData(input: CapiEventInput): CapiCustomData {
  const custom: CapiCustomData = { event_source: 'crm', lead_event_source: input.leadEventSource };
  const currency = input.currency?.trim().toUpperCase();
  // Value without a currency is meaningless to Meta: both go, or neither.
  if (
    typeof input.value === 'number' &&
    Number.isFinite(input.value) &&
    currency &&
    CURRENCY.test(currency)
  ) {
    custom.value = input.value;
    custom.currency = currency;
  }
  Object.assign(custom, touchKeys('first_touch', input.journey.firstTouch));
  Object.assign(custom, touchKeys('last_touch', input.journey.lastTouch));
  return custom;
}

/** Flat attribution keys of one touch; no URL and no click-id value (only its type), nothing empty. */
export function touchKeys(prefix: string, touch: TouchSummary | undefined): Record<string, string> {
  if (!touch) return {};
  const keys: Record<string, string> = {};
  const put = (name: string, value: string | null | undefined) => {
    const clean = text(value);
    if (clean && !LOOKS_LIKE_EMAIL.test(clean)) keys[`${prefix}_${name}`] = clean;
  };
  put('utm_source', touch.utm_source);
  put('utm_medium', touch.utm_medium);
  put('utm_campaign', touch.utm_campaign);
  put(
    'click_id_type',
    CLICK_ID_TYPES.find((type) => text(touch[type])),
  );
  if (!Number.isNaN(touch.occurredAt.getTime())) put('at', touch.occurredAt.toISOString());
  return keys;
}

function text(value: string | null | undefined): string | undefined {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  return trimmed || undefined;
}

const ACTION_SOURCES = [
  'email',
  'website',
  'app',
  'phone_call',
  'chat',
  'physical_store',
  'system_generated',
  'business_messaging',
  'other',
];
/** Meta's Best Practices: customer info made only of one of these (or a subset) is invalid (§2.3). */
const WEAK_COMBINATIONS: readonly (readonly string[])[] = [
  ['ct', 'country', 'st', 'zp', 'ge', 'client_user_agent'],
  ['db', 'client_user_agent'],
  ['fn', 'ge'],
  ['ln', 'ge'],
];
const SEVEN_DAYS_S = 7 * 24 * 60 * 60;

/**
 * Local baseline validity (one invalid event makes Meta reject the whole batch, so check before sending).
 * Returns the reason the event would be refused, or null. With `now`, also checks Meta's 7-day window.
 */
export function validateCapiEvent(event: CapiServerEvent, now?: Date): string | null {
  if (typeof event.event_name !== 'string' || !event.event_name.trim()) return 'event_name_missing';
  if (!Number.isInteger(event.event_time) || event.event_time <= 0) return 'event_time_invalid';
  if (now) {
    const nowS = Math.floor(now.getTime() / 1000);
    if (nowS - event.event_time > SEVEN_DAYS_S) return 'event_time_too_old';
    if (event.event_time > nowS) return 'event_time_in_future';
  }
  if (typeof event.event_id !== 'string' || !event.event_id || event.event_id.length > 128) {
    return 'event_id_invalid';
  }
  if (!ACTION_SOURCES.includes(event.action_source)) return 'action_source_invalid';

  const userData = event.user_data as Record<string, unknown> | undefined;
  if (!userData || typeof userData !== 'object') return 'user_data_missing';
  for (const key of [...HASHED_KEYS, 'external_id']) {
    const value = userData[key];
    if (value === undefined) continue;
    const list = Array.isArray(value) ? value : [value];
    if (!list.every((hash) => typeof hash === 'string' && HEX64.test(hash)))
      return `user_data_not_hashed:${key}`;
  }
  if (userData.lead_id !== undefined && !LEAD_ID.test(String(userData.lead_id))) return 'lead_id_invalid';
  const present = Object.keys(userData).filter((key) => isPresent(userData[key]));
  if (!present.length) return 'user_data_empty';
  if (WEAK_COMBINATIONS.some((combo) => present.every((key) => combo.includes(key)))) return 'user_data_weak';

  const custom = event.custom_data;
  if (
    event.action_source === 'system_generated' &&
    custom?.event_source === 'crm' &&
    !text(custom.lead_event_source)
  ) {
    return 'lead_event_source_missing';
  }
  if (custom?.value !== undefined) {
    if (typeof custom.value !== 'number' || !Number.isFinite(custom.value)) return 'value_invalid';
    if (typeof custom.currency !== 'string' || !CURRENCY.test(custom.currency)) return 'currency_invalid';
  }
  if (event.data_processing_options?.includes('LDU')) {
    if (!Number.isInteger(event.data_processing_options_country)) return 'ldu_country_missing';
    if (!Number.isInteger(event.data_processing_options_state)) return 'ldu_state_missing';
  }
  return null;
}

/** The audit text (status_reason) of an event that failed validateCapiEvent, e.g. for `user_data_not_hashed:em`. */
export const invalidReason = (code: string) =>
  `not sent: the event failed validation before sending (${code})`;

function isPresent(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(isPresent);
  return typeof value === 'number' || (typeof value === 'string' && value.trim() !== '');
}
