import type { JourneyRecord, RequestDetail } from '@app/db';
import { html, Html, iso, when } from './html';
import { layout, table } from './layout';
import { dispatchPart, replayForm, statusBadge } from './parts';

const CLICK_IDS = ['fbclid', 'gclid', 'gbraid', 'wbraid', 'ttclid', 'msclkid', 'liFatId'] as const;
const UTMS = ['utmSource', 'utmMedium', 'utmCampaign', 'utmTerm', 'utmContent', 'utmId'] as const;
const label = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * One journey, oldest first: touchpoints (click ids, UTMs), forms (key types and dropped values, never the
 * values), lifecycle events (join method, status and reason) and each dispatch with its payload and the
 * platform's answer. IPs, user agents and custom answers are left out: the console shows no raw personal data.
 */
export function timelineView(
  journey: JourneyRecord,
  requests: Map<string, RequestDetail>,
  csrf: string,
): Html {
  const back = `/admin/journeys/${encodeURIComponent(journey.externalId)}`;
  const touchpoints = table(
    ['occurred', 'event', 'url', 'click ids', 'UTMs', 'bot'],
    journey.touchpoints.map((tp) => [
      iso(tp.occurredAt),
      tp.eventName,
      html`<code>${tp.url}</code>`,
      CLICK_IDS.filter((key) => tp[key]).map((key) => html`<div>${label(key)}=<code>${tp[key]}</code></div>`),
      UTMS.filter((key) => tp[key]).map((key) => html`<div>${label(key)}=${tp[key]}</div>`),
      tp.isBot ? `bot (${tp.botReason ?? '?'})` : 'no',
    ]),
    'no touchpoints',
  );
  const forms = table(
    ['submitted', 'event', 'key types', 'dropped values'],
    journey.formSubmissions.map((form) => [
      iso(form.submittedAt),
      form.eventName,
      form.keyTypes.join(', ') || '—',
      droppedValues(form.dropped),
    ]),
    'no forms',
  );
  const events = journey.lifecycleEvents.map(
    (event) =>
      html`<li class="lifecycle" data-event-id="${event.id}">
        <p>
          <a href="/admin/events/${event.id}"><strong>${event.eventName ?? '(unmapped)'}</strong></a>
          ${statusBadge(event.status)}
          <span class="muted"
            >${event.provider} ${event.objectType} ${event.objectId} · stage ${event.stage} · occurred
            ${iso(event.occurredAt)}</span
          >
        </p>
        <p>Join method: ${event.joinMethod ?? '—'} · event_id <code>${event.eventId ?? '—'}</code></p>
        ${when(event.statusReason, () => html`<p class="reason">Reason: ${event.statusReason}</p>`)}
        ${when(event.note, () => html`<p class="muted">Note: ${event.note}</p>`)}
        ${event.dispatches.map((dispatch) =>
          dispatchPart(
            {
              platform: dispatch.platform,
              destination: dispatch.destination,
              status: dispatch.status,
              status_reason: dispatch.statusReason,
              payload: dispatch.payload,
              request_id: dispatch.requestId,
              sent_at: dispatch.sentAt,
              test_event_code: dispatch.testEventCode,
            },
            dispatch.requestId ? requests.get(dispatch.requestId) : undefined,
          ),
        )}
        ${replayForm(csrf, event.id, back)}
      </li>`,
  );
  const body = html`<p class="muted">
      external_id <code>${journey.externalId}</code> · first seen ${iso(journey.firstSeenAt)} · last seen
      ${iso(journey.lastSeenAt)} · ${journey.touchpointCount} touchpoints
      ${when(journey.linkedExternalIds.length, () => html` · linked: ${journey.linkedExternalIds.map((id) => html`<a href="/admin/journeys/${encodeURIComponent(id)}">${id}</a> `)}`)}
    </p>
    <section id="touchpoints">
      <h2>Touchpoints</h2>
      ${touchpoints}
    </section>
    <section id="forms">
      <h2>Forms</h2>
      ${forms}
      <p class="muted">
        Identities: ${journey.identities.map((link) => link.identity.keyType).join(', ') || 'none'} (hashes
        only) · CRM links:
        ${journey.crmLinks.map((link) => `${link.provider} ${link.objectType} ${link.crmId}`).join(', ') || 'none'}
      </p>
    </section>
    <section id="lifecycle">
      <h2>Lifecycle events and dispatches</h2>
      ${
        events.length
          ? html`<ol class="timeline">
              ${events}
            </ol>`
          : html`<p class="muted">no lifecycle events</p>`
      }
    </section>`;
  return layout('journeys', `Journey ${journey.externalId}`, body);
}

/** Each dropped contact value as "field: reason" (never the value itself, which is not stored). */
function droppedValues(dropped: unknown) {
  const list = Array.isArray(dropped) ? (dropped as { field?: string; reason?: string }[]) : [];
  if (!list.length) return 'none';
  return list.map((entry) => html`<div><code>${entry.field ?? '?'}</code>: ${entry.reason ?? ''}</div>`);
}
