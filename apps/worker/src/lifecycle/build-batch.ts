import {
  buildCapiEvent,
  capiEventId,
  type CapiServerEvent,
  eventValue,
  invalidReason,
  isMetaLeadId,
  leadIdNote,
  validateCapiEvent,
} from '@app/destinations';
import type { JourneyWithTouches } from '@app/db';
import { dispatchGate } from '@app/journey';
import { attributedTouches } from './attributed-touches';
import { journeyContext, leadEventSource } from './journey-context';
import type { GatedChange, Outcomes } from './lifecycle-steps';

/** A built, valid CAPI event of a change, ready to record. */
export interface BuiltCapiEvent {
  change: GatedChange;
  eventId: string;
  payload: CapiServerEvent;
  contributors: string[];
  knownKeys: string[];
  /** What the event left out and why. */
  note: string | null;
}

export interface BuildSettings {
  defaultCurrency?: string;
  /** Where a CRM's lead id came from, for the note when it is left out. */
  leadIdSource: (provider: string) => string;
  now: Date;
}

/** Builds and validates each gated change's CAPI event; an invalid one gets its outcome. */
export function buildBatch(
  gated: GatedChange[],
  settings: BuildSettings,
  outcomes: Outcomes,
): BuiltCapiEvent[] {
  const { now } = settings;
  const built: BuiltCapiEvent[] = [];
  for (const change of gated) {
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
    const payload = buildCapiEvent(
      {
        leadEventSource: leadEventSource(event.provider),
        objectKey,
        eventName,
        occurredAt: event.occurred_at,
        value: money.value,
        currency: money.currency,
        journey,
      },
      { now, ldu: change.ldu },
    );
    const invalid = validateCapiEvent(payload, now);
    if (invalid) {
      outcomes.push({
        id: event.id,
        visitorId: change.visitorId,
        joinMethod: change.joinMethod,
        status: 'invalid',
        statusReason: invalidReason(invalid),
        note: note || null,
      });
      continue;
    }
    built.push({
      change,
      eventId: capiEventId(objectKey, eventName),
      payload,
      contributors: context.contributors,
      knownKeys: context.knownKeys,
      note: note || null,
    });
  }
  return built;
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
