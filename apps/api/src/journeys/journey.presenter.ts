import type { JourneyRecord } from '@app/db';
import { attribute } from '@app/journey';

type TouchpointRow = JourneyRecord['touchpoints'][number];

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function presentTouchpoint(tp: TouchpointRow) {
  return {
    touchpoint_id: tp.id,
    event_name: tp.eventName,
    event_id: tp.eventId,
    occurred_at: iso(tp.occurredAt),
    received_at: iso(tp.receivedAt),
    source: tp.source,
    url: tp.url,
    referrer: tp.referrer,
    utm_source: tp.utmSource,
    utm_medium: tp.utmMedium,
    utm_campaign: tp.utmCampaign,
    utm_term: tp.utmTerm,
    utm_content: tp.utmContent,
    utm_id: tp.utmId,
    fbclid: tp.fbclid,
    gclid: tp.gclid,
    gbraid: tp.gbraid,
    wbraid: tp.wbraid,
    ttclid: tp.ttclid,
    msclkid: tp.msclkid,
    li_fat_id: tp.liFatId,
    has_campaign: tp.hasCampaign,
    fbc: tp.fbc,
    fbc_created_at: iso(tp.fbcCreatedAt),
    fbp: tp.fbp,
    ip: tp.ip,
    user_agent: tp.userAgent,
    consent: tp.consent,
    is_bot: tp.isBot,
    bot_reason: tp.botReason,
    properties: tp.properties,
  };
}

/** The wire shape of GET /v1/journeys/:external_id (snake_case; identities as hashes only). */
export function presentJourney(journey: JourneyRecord) {
  const { firstTouch, lastTouch } = attribute(journey.touchpoints);
  return {
    external_id: journey.externalId,
    anonymous_id: journey.anonymousId,
    first_seen_at: iso(journey.firstSeenAt),
    last_seen_at: iso(journey.lastSeenAt),
    fbc: journey.firstFbc,
    fbc_created_at: iso(journey.firstFbcAt),
    latest_fbc: journey.lastFbc,
    fbp: journey.firstFbp,
    ip: journey.firstIp,
    user_agent: journey.firstUserAgent,
    last_ip: journey.lastIp,
    last_user_agent: journey.lastUserAgent,
    consent: journey.consent,
    first_touch: firstTouch ? presentTouchpoint(firstTouch) : null,
    last_touch: lastTouch ? presentTouchpoint(lastTouch) : null,
    touchpoint_count: journey.touchpointCount,
    touchpoints: journey.touchpoints.map(presentTouchpoint),
    identities: journey.identities.map((link) => ({
      key_type: link.identity.keyType,
      hash: link.identity.hash,
      first_seen_at: iso(link.firstSeenAt),
    })),
    linked_external_ids: journey.linkedExternalIds,
    crm_links: journey.crmLinks.map((link) => ({
      provider: link.provider,
      object_type: link.objectType,
      crm_id: link.crmId,
      linked_at: iso(link.createdAt),
    })),
    forms: journey.formSubmissions.map((form) => ({
      event_name: form.eventName,
      event_id: form.eventId,
      lead_id: form.leadId,
      key_types: form.keyTypes,
      dropped: form.dropped,
      fields: form.fields,
      consent: form.consent,
      source: form.source,
      submitted_at: iso(form.submittedAt),
    })),
    lifecycle_events: journey.lifecycleEvents.map((event) => ({
      lifecycle_event_id: event.id,
      provider: event.provider,
      object_type: event.objectType,
      object_id: event.objectId,
      stage: event.stage,
      event_name: event.eventName,
      status: event.status,
      status_reason: event.statusReason,
      event_id: event.eventId,
      join_method: event.joinMethod,
      source: event.source,
      occurred_at: iso(event.occurredAt),
      pipeline: event.pipeline,
      value: event.value === null ? null : Number(event.value),
      currency: event.currency,
      lead_id: event.leadId,
      note: event.note,
    })),
    dispatches: journey.lifecycleEvents.flatMap((event) =>
      event.dispatches.map((dispatch) => ({
        lifecycle_event_id: event.id,
        platform: dispatch.platform,
        destination: dispatch.destination,
        event_id: dispatch.eventId,
        event_name: dispatch.eventName,
        status: dispatch.status,
        status_reason: dispatch.statusReason,
        attempts: dispatch.attempts,
        test_event_code: dispatch.testEventCode,
        replay_count: dispatch.replayCount,
        last_replayed_at: iso(dispatch.lastReplayedAt),
        sent_at: iso(dispatch.sentAt),
        trace_id: dispatch.request?.traceId ?? null,
        // Meta's name for its trace id, kept for existing clients.
        fbtrace_id: dispatch.platform === 'meta' ? (dispatch.request?.traceId ?? null) : null,
        // The visitors whose journeys the event carries: this one, then linked ones (null once erased).
        contributors: dispatch.contributorVisitorIds.map((visitorId) => ({
          visitor_id: visitorId,
          external_id: journey.contributorExternalIds.get(visitorId) ?? null,
        })),
        payload: dispatch.payload,
      })),
    ),
  };
}
