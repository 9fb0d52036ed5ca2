import {
  capiEventId,
  type BuildDecision,
  type Conversion,
  type Destination,
  eventValue,
  isMetaLeadId,
  leadIdNote,
} from '@app/destinations';
import type { JourneyWithTouches } from '@app/db';
import { dispatchGate } from '@app/journey';
import { attributedTouches } from './attributed-touches';
import { journeyContext, leadEventSource } from './journey-context';
import type { GatedChange } from './lifecycle-steps';

/** One destination's decision for a change: its event, or why it gets none. */
export interface DestinationDecision {
  platform: string;
  destination: string;
  decision: BuildDecision<unknown>;
}

/** A gated change with every configured destination's decision, ready to record. */
export interface BuiltChange {
  change: GatedChange;
  /** Deterministic per CRM object and event name: every platform's dedup key. */
  eventId: string;
  decisions: DestinationDecision[];
  contributors: string[];
  knownKeys: string[];
  /** What the events left out and why. */
  note: string | null;
}

export interface BuildSettings {
  defaultCurrency?: string;
  /** Where a CRM's lead id came from, for the note when it is left out. */
  leadIdSource: (provider: string) => string;
  now: Date;
  /** The configured destinations, each deciding for itself (pure: no I/O). */
  destinations: readonly Pick<Destination, 'platform' | 'accountId' | 'build'>[];
}

/** Builds each gated change's conversion once and asks every destination for its event. */
export function buildBatch(gated: GatedChange[], settings: BuildSettings): BuiltChange[] {
  const { now } = settings;
  return gated.map((change) => {
    const { event, row } = change;
    const objectKey = `${event.provider}:${event.object_type}:${event.object_id}`;
    const eventName = event.event_name!;
    const money = eventValue(
      event.value === null ? undefined : Number(event.value),
      event.currency ?? undefined,
      settings.defaultCurrency,
    );
    const linked = contributingRows(row, change.journeys, event.occurred_at, now);
    const context = journeyContext(row, attributedTouches(row), linked, event.occurred_at);
    const journey = context.journey;
    // The CRM record's own lead id first; the journey's form lead id when it has none (or not Meta's).
    const crmLeadId = event.lead_id ?? undefined;
    if (crmLeadId && isMetaLeadId(crmLeadId)) journey.leadId = crmLeadId;
    const note = [money.note, leadIdNote(crmLeadId, settings.leadIdSource(event.provider))]
      .filter(Boolean)
      .join('; ');
    const conversion: Conversion = {
      leadEventSource: leadEventSource(event.provider),
      objectKey,
      eventName,
      occurredAt: event.occurred_at,
      value: money.value,
      currency: money.currency,
      journey,
      ldu: change.ldu,
    };
    return {
      change,
      eventId: capiEventId(objectKey, eventName),
      decisions: settings.destinations.map((destination) => ({
        platform: destination.platform,
        destination: destination.accountId,
        decision: destination.build(conversion, now),
      })),
      contributors: context.contributors,
      knownKeys: context.knownKeys,
      note: note || null,
    };
  });
}

/**
 * The linked visitors' rows that may contribute to the event: only those whose own consent and touchpoints
 * would let an event of theirs be sent (a linked device that denied advertising data gives none).
 */
function contributingRows(
  row: JourneyWithTouches,
  journeys: Map<string, JourneyWithTouches>,
  occurredAt: Date,
  now: Date,
): JourneyWithTouches[] {
  return row.linked_visitor_ids
    .map((id) => journeys.get(id))
    .filter((linked): linked is JourneyWithTouches => {
      if (!linked) return false;
      const gate = dispatchGate({
        occurredAt,
        now,
        consent: linked.consent ?? undefined,
        touchpoints: linked.bots.map((isBot) => ({ isBot })),
      });
      return gate.status === 'ok';
    });
}
