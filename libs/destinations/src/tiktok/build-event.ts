/**
 * Builds the TikTok Events API 2.0 event (one element of `data[]`) for a CRM lifecycle change, per
 * destinations.md §2. A website lead goes to the pixel (`web`); a TikTok Instant Form lead goes to the CRM
 * event set (`crm`, with `lead.lead_id`). One request carries one event source, so the payload says which.
 */
import type { BuildDecision } from '../destination';
import type { Conversion } from '../conversion';
import { conversionEventId } from '../event-id';
import { eventValue } from '../event-value';
import { cleanHashes, clickWithin, DAY_MS, hashedExternalIds, HEX64, text } from '../user-keys';

export type TikTokEventSource = 'web' | 'crm';

export interface TikTokUser {
  /** Plain; documented for web only. */
  ttclid?: string;
  /** sha256 of the trimmed, lower-cased email (journey.hashes.em). */
  email?: string[];
  /** sha256 of the E.164 number WITH its `+` (journey.hashes.ph_e164; Meta's `ph` has no `+`). */
  phone?: string[];
  /** sha256 of our external ids, lower-cased and trimmed first. */
  external_id: string[];
  ip?: string;
  user_agent?: string;
}

/** The exact JSON object sent as one element of `data[]`. */
export interface TikTokEvent {
  event: string;
  /** Unix seconds, never later than our clock. */
  event_time: number;
  event_id: string;
  user: TikTokUser;
  properties: { value?: number; currency?: string };
  limited_data_use?: boolean;
  /** crm only: the Instant Form lead and the CRM's name. */
  lead?: { lead_id: string; lead_event_source: string };
}

/** What is stored per conversion: the event and the source (web pixel or CRM event set) it goes to. */
export interface TikTokPayload {
  source: TikTokEventSource;
  event: TikTokEvent;
}

export interface TikTokBuildSettings {
  /** TIKTOK_CRM_EVENT_SET_ID: without it, no event goes as `crm`. */
  crmEventSetId?: string;
}

/** TikTok's longest click-through window; older events are not attributed (§2 Limits, [U]). */
export const TIKTOK_WINDOW_MS = 28 * DAY_MS;
const CURRENCY = /^[A-Z]{3}$/;

export function buildTikTokEvent(
  conversion: Conversion,
  settings: TikTokBuildSettings,
  now: Date,
): BuildDecision<TikTokPayload> {
  if (now.getTime() - conversion.occurredAt.getTime() > TIKTOK_WINDOW_MS) {
    return { kind: 'skip', reason: "outside TikTok's 28-day window" };
  }
  const journey = conversion.journey;
  const leadId = text(journey.leadId);
  const source: TikTokEventSource = leadId && text(settings.crmEventSetId) ? 'crm' : 'web';

  const user: TikTokUser = { external_id: hashedExternalIds(journey) };
  const email = cleanHashes(journey.hashes.em);
  if (email.length) user.email = email;
  const phone = cleanHashes(journey.hashes.ph_e164);
  if (phone.length) user.phone = phone;
  // ttclid, ip and user_agent are documented for web events only (§2 Conversion type).
  if (source === 'web') {
    const ttclid = clickWithin(journey.clickIds?.ttclid, conversion.occurredAt, TIKTOK_WINDOW_MS);
    if (ttclid) user.ttclid = ttclid;
    const ip = text(journey.ip);
    if (ip) user.ip = ip;
    const userAgent = text(journey.userAgent);
    if (userAgent) user.user_agent = userAgent;
  }
  // TikTok accepts external_id without a click id, but every journey has one (our visitor id, which TikTok
  // has never been told about), so counting it would send every conversion, also those TikTok cannot tie
  // to anyone. It goes along as an extra key; what makes an event sendable is a click id, an email or a
  // phone, or, for a CRM event, the Instant Form lead id, which is TikTok's own key for that person.
  if (!user.ttclid && !user.email && !user.phone && source !== 'crm') {
    return { kind: 'skip', reason: 'nothing TikTok can match on (no ttclid, email or phone)' };
  }

  const eventId = conversionEventId(conversion.objectKey, conversion.eventName);
  const { value, currency } = eventValue(conversion.value, conversion.currency);
  const event: TikTokEvent = {
    event: conversion.eventName,
    event_time: Math.floor(Math.min(conversion.occurredAt.getTime(), now.getTime()) / 1000),
    event_id: eventId,
    user,
    properties: value !== undefined && currency ? { value, currency } : {},
  };
  // Documented for web and app; sent on CRM events too, since leaving a privacy restriction out is the
  // worse failure ([U] whether crm honours it).
  if (conversion.ldu) event.limited_data_use = true;
  if (source === 'crm' && leadId) {
    event.lead = { lead_id: leadId, lead_event_source: conversion.leadEventSource };
  }
  return { kind: 'send', eventId, payload: { source, event } };
}

/**
 * Re-checks a stored payload before sending (a replay may carry one built by an older version, and a bad
 * field makes TikTok refuse the request with 40002). Returns why it would be refused, or undefined.
 */
export function validateTikTokEvent(payload: TikTokPayload, now: Date): string | undefined {
  const event = payload?.event;
  if (payload?.source !== 'web' && payload?.source !== 'crm') return 'event_source_invalid';
  if (!event || typeof event.event !== 'string' || !event.event.trim()) return 'event_missing';
  if (!Number.isInteger(event.event_time) || event.event_time <= 0) return 'event_time_invalid';
  const nowS = Math.floor(now.getTime() / 1000);
  if (event.event_time > nowS) return 'event_time_in_future';
  if (nowS - event.event_time > TIKTOK_WINDOW_MS / 1000) return 'event_time_too_old';
  if (typeof event.event_id !== 'string' || !event.event_id || event.event_id.length > 128) {
    return 'event_id_invalid';
  }
  const user = event.user;
  if (!user || typeof user !== 'object') return 'user_missing';
  for (const key of ['email', 'phone', 'external_id'] as const) {
    const list = user[key];
    if (list === undefined) continue;
    if (!Array.isArray(list) || !list.every((hash) => typeof hash === 'string' && HEX64.test(hash))) {
      return `user_not_hashed:${key}`;
    }
  }
  if (payload.source === 'crm' && !text(event.lead?.lead_id)) return 'lead_id_missing';
  const matchable = text(user.ttclid) || user.email?.length || user.phone?.length;
  if (payload.source === 'web' && !matchable) return 'user_not_matchable';
  const { value, currency } = event.properties ?? {};
  if (value !== undefined || currency !== undefined) {
    if (typeof value !== 'number' || !Number.isFinite(value)) return 'value_invalid';
    if (typeof currency !== 'string' || !CURRENCY.test(currency)) return 'currency_invalid';
  }
  return undefined;
}
