import { dispatchGate, isUsPrivacyOptOut } from '@app/journey';
import type { GatedChange, JoinedChange, LifecycleEventStore, Outcomes } from './lifecycle-steps';

/**
 * Fetches the joined events' journeys (one statement) and applies the gates (consent, bots, age); an event
 * that passes waits when no destination is configured. Returns the events to build.
 */
export async function gateBatch(
  joined: JoinedChange[],
  deps: { store: Pick<LifecycleEventStore, 'journeys'>; destinationReady: boolean; now: Date },
  outcomes: Outcomes,
): Promise<GatedChange[]> {
  if (!joined.length) return [];
  const journeys = new Map(
    (await deps.store.journeys(joined.map((entry) => entry.visitorId))).map((row) => [row.visitor_id, row]),
  );
  const gated: GatedChange[] = [];
  for (const entry of joined) {
    const { event } = entry;
    const base = { id: event.id, visitorId: entry.visitorId, joinMethod: entry.joinMethod };
    const row = journeys.get(entry.visitorId);
    if (!row) {
      outcomes.push({ id: event.id, status: 'unjoined', statusReason: 'the visitor disappeared' });
      continue;
    }
    const gate = dispatchGate({
      occurredAt: event.occurred_at,
      now: deps.now,
      consent: row.consent ?? undefined,
      usPrivacyOptOut: isUsPrivacyOptOut(row.consent ?? undefined),
      touchpoints: row.bots.map((isBot) => ({ isBot })),
    });
    if (gate.status !== 'ok') {
      outcomes.push({ ...base, status: gate.status, statusReason: gate.reason });
      continue;
    }
    if (!deps.destinationReady) {
      outcomes.push({
        ...base,
        status: 'waiting_destination',
        statusReason: 'no destination: set META_PIXEL_ID and META_ACCESS_TOKEN',
      });
      continue;
    }
    gated.push({ ...entry, row, journeys, ldu: gate.ldu });
  }
  return gated;
}
