import type { BuiltCapiEvent } from './build-batch';
import type { CapiEventStore, Outcomes } from './lifecycle-steps';

/**
 * Records the built events as queued CAPI events (one statement) and each change's outcome: queued, sent
 * already (a retry), or a duplicate when its CRM object already produced the event. Returns the ids of the
 * CAPI events to dispatch.
 */
export async function recordBatch(
  built: BuiltCapiEvent[],
  deps: { store: Pick<CapiEventStore, 'queueMany'>; destination: string; testEventCode?: string },
  outcomes: Outcomes,
): Promise<string[]> {
  if (!built.length) return [];
  const owners = await deps.store.queueMany(
    deps.destination,
    built.map(({ change: { event }, eventId, payload, contributors, knownKeys }) => ({
      lifecycleEventId: event.id,
      eventId,
      eventName: event.event_name!,
      payload,
      contributorVisitorIds: contributors,
      knownKeys,
    })),
    deps.testEventCode,
  );
  const toDispatch: string[] = [];
  built.forEach(({ change: { event, visitorId, joinMethod }, eventId, note }, i) => {
    const owner = owners[i];
    const base = { id: event.id, visitorId, joinMethod, eventId, note };
    if (owner.lifecycleEventId !== event.id) {
      outcomes.push({
        ...base,
        status: 'duplicate',
        statusReason: `this CRM object already produced ${event.event_name} (event_id ${eventId})`,
      });
      return;
    }
    outcomes.push({ ...base, status: owner.status === 'sent' ? 'sent' : 'queued' });
    if (owner.status === 'queued') toDispatch.push(owner.id);
  });
  return toDispatch;
}
