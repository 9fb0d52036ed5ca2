import type { LifecycleEventRow } from '@app/db';
import type { LifecycleEventStore } from './lifecycle-steps';

/**
 * The job's events still to do: pending ones, and queued ones with an event name ('queued': a retried job
 * whose first run stopped between queuing and dispatching finishes the hand-off; both steps are idempotent).
 * A pending event without an event name waits for its pipeline (see WebhookIntakeService.toEvent).
 */
export async function fetchBatch(
  store: Pick<LifecycleEventStore, 'events'>,
  ids: string[],
): Promise<LifecycleEventRow[]> {
  return (await store.events(ids)).filter(
    (event) => event.status === 'pending' || (event.status === 'queued' && event.event_name),
  );
}
