/**
 * Builds the Data Manager API event (one element of `events[]`) for a CRM lifecycle change, per
 * destinations.md §1: an offline click conversion matched by gclid/gbraid/wbraid and/or hashed email and
 * phone, deduplicated by `transactionId` per conversion action. Pure: no I/O, `now` is passed in.
 */
import type { BuildDecision } from '../destination';
import type { ClickId, Conversion } from '../conversion';
import { conversionEventId } from '../event-id';

export type GoogleConsentStatus = 'CONSENT_GRANTED' | 'CONSENT_DENIED' | 'CONSENT_STATUS_UNSPECIFIED';

export interface GoogleConsent {
  adUserData: GoogleConsentStatus;
  adPersonalization: GoogleConsentStatus;
}

/** One of Google's user identifiers: SHA-256 hex (request `encoding: HEX`). */
export type GoogleUserIdentifier = { emailAddress: string } | { phoneNumber: string };

/** Only one click id per event: Google documents gclid, gbraid and wbraid as alternatives. */
export type GoogleAdIdentifiers = { gclid: string } | { gbraid: string } | { wbraid: string };

/** The exact JSON object sent as one element of `events[]` (before its `destinationReferences`). */
export interface GoogleEvent {
  transactionId: string;
  /** RFC 3339, UTC. */
  eventTimestamp: string;
  eventSource: 'OTHER';
  adIdentifiers?: GoogleAdIdentifiers;
  conversionValue?: number;
  currency?: string;
  userData?: { userIdentifiers: GoogleUserIdentifier[] };
  consent: GoogleConsent;
}

/** What is stored per conversion and sent later: the event and the conversion action it counts for. */
export interface GooglePayload {
  conversionActionId: string;
  event: GoogleEvent;
}

export interface GoogleBuildSettings {
  /** Event name → conversion action id (type UPLOAD_CLICKS). */
  conversionActions: Record<string, string>;
}

/** Google Ads' longest click-through window; the upload must also come within 90 days of the click. */
export const GOOGLE_WINDOW_MS = 90 * 24 * 60 * 60 * 1000;
/** Google accepts at most 10 user identifiers per event. */
export const MAX_USER_IDENTIFIERS = 10;
/** Phones kept when emails would fill every slot (a person rarely has more). */
const MAX_PHONES = 3;

const HEX64 = /^[0-9a-f]{64}$/;
const CURRENCY = /^[A-Z]{3}$/;
const ACTION_ID = /^\d{1,20}$/;
/** Sent verbatim, so only checked for shape: printable ASCII without spaces (a torn or junk value is not sent). */
const CLICK_ID = /^[\x21-\x7e]{8,1000}$/;
const CLICK_ID_TYPES = ['gclid', 'gbraid', 'wbraid'] as const;

export const GOOGLE_SKIP = {
  notMapped: (eventName: string) => `not mapped: no Google conversion action for ${eventName}`,
  nothingToMatch: 'nothing Google can match on (no gclid, gbraid, wbraid, email or phone)',
  eventTooOld: "outside Google's 90-day window: the event is older than 90 days",
  clickTooOld:
    "outside Google's 90-day click window: the click is older than 90 days and there is no email or phone",
  consentDenied: 'consent: ad_user_data denied and no click id',
  noEventTime: 'the event has no valid time',
} as const;

export function buildGoogleEvent(
  conversion: Conversion,
  settings: GoogleBuildSettings,
  now: Date,
): BuildDecision<GooglePayload> {
  const conversionActionId = settings.conversionActions[conversion.eventName];
  if (!conversionActionId) return skip(GOOGLE_SKIP.notMapped(conversion.eventName));
  const eventMs = Math.min(conversion.occurredAt.getTime(), now.getTime());
  if (Number.isNaN(eventMs)) return skip(GOOGLE_SKIP.noEventTime);
  if (now.getTime() - eventMs > GOOGLE_WINDOW_MS) return skip(GOOGLE_SKIP.eventTooOld);

  const journey = conversion.journey;
  const clicks = CLICK_ID_TYPES.map((type) => ({ type, click: journey.clickIds?.[type] })).filter(
    (entry): entry is { type: (typeof CLICK_ID_TYPES)[number]; click: ClickId } =>
      !!entry.click && CLICK_ID.test(entry.click.value.trim()),
  );
  const usable = clicks.find(({ click }) => clickUsable(click, eventMs, now));
  const adUserDataDenied = journey.consentMode?.adUserData === false;
  // Identifiers are personal data sent for matching: a denied ad_user_data forbids them (Consent Mode v2).
  const userIdentifiers = adUserDataDenied ? [] : userIdentifiersOf(conversion);

  if (!usable) {
    if (adUserDataDenied) return skip(GOOGLE_SKIP.consentDenied);
    const tooOld = clicks.some(({ click }) => now.getTime() - click.clickedAt.getTime() > GOOGLE_WINDOW_MS);
    if (!userIdentifiers.length) return skip(tooOld ? GOOGLE_SKIP.clickTooOld : GOOGLE_SKIP.nothingToMatch);
  }

  const eventId = conversionEventId(conversion.objectKey, conversion.eventName);
  const event: GoogleEvent = {
    // The shared event id: the same object and stage always give the same id, so Google's
    // DUPLICATE_TRANSACTION_ID (per action, no window) turns retries and replays into no-ops.
    transactionId: eventId,
    eventTimestamp: new Date(eventMs).toISOString(),
    // Google has no CRM value: the stage changed in a sales system, not on the site (WEB) or in an app,
    // store, call or chat, so OTHER is the honest one (Google's samples use WEB for web conversions).
    eventSource: 'OTHER',
    consent: {
      adUserData: consentStatus(journey.consentMode?.adUserData),
      adPersonalization: consentStatus(journey.consentMode?.adPersonalization),
    },
  };
  if (usable) event.adIdentifiers = adIdentifier(usable.type, usable.click.value.trim());
  const currency = conversion.currency?.trim().toUpperCase();
  // A value without its currency is meaningless: both go, or neither.
  if (
    typeof conversion.value === 'number' &&
    Number.isFinite(conversion.value) &&
    currency &&
    CURRENCY.test(currency)
  ) {
    event.conversionValue = conversion.value;
    event.currency = currency;
  }
  if (userIdentifiers.length) event.userData = { userIdentifiers };
  return { kind: 'send', eventId, payload: { conversionActionId, event } };
}

/** The click happened before the event, at most 90 days before it and at most 90 days before the upload. */
function clickUsable(click: ClickId, eventMs: number, now: Date): boolean {
  const clickedMs = click.clickedAt.getTime();
  if (Number.isNaN(clickedMs) || clickedMs > eventMs) return false;
  return eventMs - clickedMs <= GOOGLE_WINDOW_MS && now.getTime() - clickedMs <= GOOGLE_WINDOW_MS;
}

function adIdentifier(type: (typeof CLICK_ID_TYPES)[number], value: string): GoogleAdIdentifiers {
  if (type === 'gclid') return { gclid: value };
  return type === 'gbraid' ? { gbraid: value } : { wbraid: value };
}

/**
 * Emails: the gmail-normalised hashes first (`em_google`, kept only where Google's rule changes the
 * address), then every `em` (a non-gmail address is normalised alike for Google and Meta; the dotted
 * gmail hash that may come along simply does not match). Phones: only `ph_e164` (the `+` is hashed, as
 * Google wants); Meta's `ph` is hashed without it and would never match. At most 10 in all.
 */
function userIdentifiersOf(conversion: Conversion): GoogleUserIdentifier[] {
  const hashes = conversion.journey.hashes;
  const emails = cleanHashes([...(hashes.em_google ?? []), ...(hashes.em ?? [])]);
  const phones = cleanHashes(hashes.ph_e164 ?? []).slice(0, MAX_PHONES);
  const emailSlots = MAX_USER_IDENTIFIERS - Math.min(phones.length, MAX_PHONES);
  return [
    ...emails.slice(0, emailSlots).map((emailAddress) => ({ emailAddress })),
    ...phones.map((phoneNumber) => ({ phoneNumber })),
  ];
}

/** Only well-formed lowercase SHA-256 hex, deduplicated, order kept: never send what might be raw PII. */
function cleanHashes(values: unknown[]): string[] {
  const out = new Set<string>();
  for (const value of values) {
    const hash = typeof value === 'string' ? value.trim().toLowerCase() : '';
    if (HEX64.test(hash)) out.add(hash);
  }
  return [...out];
}

function consentStatus(value: boolean | undefined): GoogleConsentStatus {
  if (value === true) return 'CONSENT_GRANTED';
  return value === false ? 'CONSENT_DENIED' : 'CONSENT_STATUS_UNSPECIFIED';
}

function skip(reason: string): BuildDecision<GooglePayload> {
  return { kind: 'skip', reason };
}

/**
 * Re-checks a stored payload before it is sent (one invalid event fails Google's whole request): the
 * reason it would be refused, or undefined.
 */
export function validateGoogleEvent(payload: GooglePayload, now: Date): string | undefined {
  if (!payload || typeof payload !== 'object' || !payload.event) return 'payload_invalid';
  if (!ACTION_ID.test(String(payload.conversionActionId ?? ''))) return 'conversion_action_invalid';
  const event = payload.event;
  if (typeof event.transactionId !== 'string' || !event.transactionId || event.transactionId.length > 128) {
    return 'transaction_id_invalid';
  }
  const eventMs = Date.parse(event.eventTimestamp);
  if (typeof event.eventTimestamp !== 'string' || Number.isNaN(eventMs)) return 'event_timestamp_invalid';
  if (eventMs > now.getTime()) return 'event_timestamp_in_future';
  if (now.getTime() - eventMs > GOOGLE_WINDOW_MS) return 'event_timestamp_too_old';

  const clickIds = Object.values(event.adIdentifiers ?? {});
  if (clickIds.length > 1 || !clickIds.every((value) => typeof value === 'string' && CLICK_ID.test(value))) {
    return 'ad_identifiers_invalid';
  }
  const identifiers = event.userData?.userIdentifiers ?? [];
  if (!Array.isArray(identifiers) || identifiers.length > MAX_USER_IDENTIFIERS)
    return 'user_identifiers_invalid';
  for (const identifier of identifiers) {
    const values = Object.values(identifier ?? {});
    if (values.length !== 1 || !values.every((value) => typeof value === 'string' && HEX64.test(value))) {
      return 'user_identifier_not_hashed';
    }
  }
  if (!clickIds.length && !identifiers.length) return 'no_identifiers';
  if (identifiers.length && event.consent?.adUserData === 'CONSENT_DENIED')
    return 'user_identifiers_without_consent';
  if (event.conversionValue !== undefined) {
    if (typeof event.conversionValue !== 'number' || !Number.isFinite(event.conversionValue))
      return 'value_invalid';
    if (typeof event.currency !== 'string' || !CURRENCY.test(event.currency)) return 'currency_invalid';
  }
  return undefined;
}
