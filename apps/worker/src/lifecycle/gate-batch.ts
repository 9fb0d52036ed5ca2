import type { JourneyWithTouches } from '@app/db';
import { dispatchGate, isUsPrivacyOptOut } from '@app/journey';
import type { GatedChange, JoinedChange, LifecycleEventStore, Outcomes } from './lifecycle-steps';

/** The joined events' journeys, and those of the visitors linked to them, in one statement. */
export async function fetchJourneys(
  joined: JoinedChange[],
  store: Pick<LifecycleEventStore, 'journeys'>,
): Promise<Map<string, JourneyWithTouches>> {
  if (!joined.length) return new Map();
  return new Map(
    (await store.journeys(joined.map((entry) => entry.visitorId))).map((row) => [row.visitor_id, row]),
  );
}

/**
 * Applies the gates (consent, bots, age) to each joined event; one that passes waits when no destination is
 * configured. Returns the events to build.
 */
export function gateBatch(
  joined: JoinedChange[],
  journeys: Map<string, JourneyWithTouches>,
  settings: {
    destinationReady: boolean;
    now: Date;
    /** The longest send window among the configured destinations. */
    maxAgeMs?: number;
  },
  outcomes: Outcomes,
): GatedChange[] {
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
      now: settings.now,
      consent: row.consent ?? undefined,
      usPrivacyOptOut: isUsPrivacyOptOut(row.consent ?? undefined),
      touchpoints: row.bots.map((isBot) => ({ isBot })),
      maxAgeMs: settings.maxAgeMs,
    });
    if (gate.status !== 'ok') {
      outcomes.push({ ...base, status: gate.status, statusReason: gate.reason });
      continue;
    }
    if (!settings.destinationReady) {
      outcomes.push({
        ...base,
        status: 'waiting_destination',
        statusReason:
          'no destination: set META_PIXEL_ID and META_ACCESS_TOKEN (or Google, TikTok or LinkedIn settings)',
      });
      continue;
    }
    gated.push({ ...entry, row, journeys, ldu: gate.ldu });
  }
  return gated;
}
