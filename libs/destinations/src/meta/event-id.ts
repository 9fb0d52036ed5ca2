import { conversionEventId } from '../event-id';

/**
 * The CAPI `event_id` of a lifecycle event: the id every destination shares (see conversionEventId), so the
 * same conversion carries the same id to Meta, Google, TikTok and LinkedIn.
 */
export function capiEventId(objectKey: string, eventName: string): string {
  return conversionEventId(objectKey, eventName);
}
