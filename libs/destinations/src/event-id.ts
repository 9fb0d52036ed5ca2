import { sha256Hex } from '@app/journey';

/**
 * The event id of a lifecycle event, shared by every destination (Meta's `event_id`, Google's
 * `transactionId`, …): `crm_` + the first 40 hex digits (160 bits) of sha256(`${objectKey}|${eventName}`).
 *
 * - Deterministic: one event per (lifecycle object, event name), so the id depends on exactly those two and
 *   nothing else (no time, no attempt, no random part). Webhook retries, re-deliveries, replays and batch
 *   splits all produce the same id, and each platform's dedup plus our own outbox key on it collapse
 *   duplicates.
 * - No PII and no internal ids on the wire: the object key (`provider:objectType:objectId`) is hashed, so
 *   CRM record ids never reach a platform and the length is fixed (44 chars, well under any id limit).
 * - 160 bits make an accidental collision between two objects negligible.
 * - `eventName` is used verbatim: platforms' event names are case-sensitive, so `DealWon` and `dealwon`
 *   differ.
 */
export function conversionEventId(objectKey: string, eventName: string): string {
  return `crm_${sha256Hex(`${objectKey}|${eventName}`).slice(0, 40)}`;
}
