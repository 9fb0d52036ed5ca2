/**
 * Builds the LinkedIn Conversions API event (one element of `elements[]`) for a CRM lifecycle change, per
 * destinations.md §3. No `userInfo`: we hold no raw names, and a userInfo without firstName + lastName is a
 * 422 for the whole batch.
 */
import type { BuildDecision } from '../destination';
import type { Conversion } from '../conversion';
import { conversionEventId } from '../event-id';
import { eventValue } from '../event-value';
import { cleanHashes, clickWithin, DAY_MS, HEX64 } from '../user-keys';

export type LinkedInIdType = 'SHA256_EMAIL' | 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID';

/** The exact JSON object sent as one element of `elements[]`. */
export interface LinkedInEvent {
  /** `urn:lla:llaPartnerConversion:<ruleId>`. */
  conversion: string;
  /** Epoch milliseconds, never later than our clock. */
  conversionHappenedAt: number;
  /** Amount is a decimal string. */
  conversionValue?: { currencyCode: string; amount: string };
  eventId: string;
  user: { userIds: { idType: LinkedInIdType; idValue: string }[] };
}

export interface LinkedInBuildSettings {
  /** Event name → conversion rule id (LINKEDIN_CONVERSION_RULES). */
  conversionRules: Record<string, string>;
}

/** LinkedIn rejects events older than 90 days, and 90 days is also its longest common click window. */
export const LINKEDIN_WINDOW_MS = 90 * DAY_MS;
export const CONVERSION_URN = /^urn:lla:llaPartnerConversion:\d+$/;
const CURRENCY = /^[A-Z]{3}$/;
const DECIMAL = /^\d+(\.\d+)?$/;

export function buildLinkedInEvent(
  conversion: Conversion,
  settings: LinkedInBuildSettings,
  now: Date,
): BuildDecision<LinkedInEvent> {
  const ruleId = settings.conversionRules[conversion.eventName];
  if (!ruleId) {
    return { kind: 'skip', reason: `not mapped: no LinkedIn conversion rule for ${conversion.eventName}` };
  }
  if (now.getTime() - conversion.occurredAt.getTime() > LINKEDIN_WINDOW_MS) {
    return { kind: 'skip', reason: "outside LinkedIn's 90-day window" };
  }
  const journey = conversion.journey;
  const userIds: LinkedInEvent['user']['userIds'] = [];
  // LinkedIn takes one id per type: the first email known for the visitor (the journey's own comes first).
  const [email] = cleanHashes(journey.hashes.em);
  if (email) userIds.push({ idType: 'SHA256_EMAIL', idValue: email });
  const liFatId = clickWithin(journey.clickIds?.li_fat_id, conversion.occurredAt, LINKEDIN_WINDOW_MS);
  if (liFatId) userIds.push({ idType: 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID', idValue: liFatId });
  if (userIds.length === 0) {
    return { kind: 'skip', reason: 'nothing LinkedIn can match on (no li_fat_id or email)' };
  }

  const eventId = conversionEventId(conversion.objectKey, conversion.eventName);
  const event: LinkedInEvent = {
    conversion: `urn:lla:llaPartnerConversion:${ruleId}`,
    conversionHappenedAt: Math.min(conversion.occurredAt.getTime(), now.getTime()),
    eventId,
    user: { userIds },
  };
  const { value, currency } = eventValue(conversion.value, conversion.currency);
  const amount = value === undefined ? undefined : decimalString(value);
  if (amount && currency) event.conversionValue = { currencyCode: currency, amount };
  return { kind: 'send', eventId, payload: event };
}

/**
 * A non-negative amount as a plain decimal string ("1500", "12.5"); never exponent notation, which
 * `String(1e21)` or `String(1e-7)` would give. A negative amount (a refund) is not a conversion value: left out.
 */
export function decimalString(value: number): string | undefined {
  if (!Number.isFinite(value) || value < 0) return undefined;
  const plain = String(value);
  if (DECIMAL.test(plain)) return plain;
  // toFixed also switches to exponents from 1e21; the en-US format never does.
  return value.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 6 });
}

/**
 * Re-checks a stored event before sending (a replay may carry one built by an older version, and one bad
 * element makes LinkedIn refuse the whole batch with 422). Returns why it would be refused, or undefined.
 */
export function validateLinkedInEvent(event: LinkedInEvent, now: Date): string | undefined {
  if (!event || typeof event.conversion !== 'string' || !CONVERSION_URN.test(event.conversion)) {
    return 'conversion_invalid';
  }
  const at = event.conversionHappenedAt;
  if (!Number.isInteger(at) || at <= 0) return 'conversion_happened_at_invalid';
  if (at > now.getTime()) return 'conversion_happened_at_in_future';
  if (now.getTime() - at > LINKEDIN_WINDOW_MS) return 'conversion_happened_at_too_old';
  if (typeof event.eventId !== 'string' || !event.eventId) return 'event_id_invalid';
  const userIds = event.user?.userIds;
  if (!Array.isArray(userIds) || userIds.length === 0) return 'user_ids_missing';
  for (const id of userIds) {
    if (id?.idType === 'SHA256_EMAIL') {
      if (typeof id.idValue !== 'string' || !HEX64.test(id.idValue)) return 'user_not_hashed:SHA256_EMAIL';
    } else if (id?.idType === 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID') {
      if (typeof id.idValue !== 'string' || !id.idValue.trim()) return 'li_fat_id_invalid';
    } else {
      return 'user_id_type_invalid';
    }
  }
  if (new Set(userIds.map((id) => id.idType)).size !== userIds.length) return 'user_id_type_repeated';
  const value = event.conversionValue;
  if (value !== undefined) {
    if (typeof value.amount !== 'string' || !DECIMAL.test(value.amount)) return 'amount_invalid';
    if (typeof value.currencyCode !== 'string' || !CURRENCY.test(value.currencyCode)) {
      return 'currency_invalid';
    }
  }
  return undefined;
}
