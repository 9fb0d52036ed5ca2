import { conversionEventId } from '../event-id';

/**
 * The CAPI `event_id` of a lifecycle event: the shared conversion event id (see ../event-id.ts), so Meta's
 * dedup key (`event_id` + `event_name`) is the same id every other destination sends.
 */
export function capiEventId(objectKey: string, eventName: string): string {
  return conversionEventId(objectKey, eventName);
}
