import type { EventDetail, LifecycleHit, RequestDetail } from '@app/db';
import { html, Html, iso, when } from './html';
import { layout } from './layout';
import { STATUS_MEANINGS } from './overview.view';
import { dispatchPart, replayForm, statusBadge } from './parts';

/** One lifecycle event: its status and why, its dispatches, and the replay form. */
export function eventView(
  event: LifecycleHit & { detail: EventDetail },
  requests: Map<string, RequestDetail>,
  csrf: string,
): Html {
  const d = event.detail;
  const body = html`<section id="event">
      <p>${statusBadge(event.status)} <span class="muted">${STATUS_MEANINGS[event.status] ?? ''}</span></p>
      ${when(event.status_reason, () => html`<p class="reason">Reason: ${event.status_reason}</p>`)}
      <p>
        ${event.provider} ${event.object_type} <code>${event.object_id}</code> · stage ${d.stage} · occurred
        ${iso(d.occurred_at)} · stored ${iso(event.created_at)}
      </p>
      <p>
        Join method: ${d.join_method ?? '—'} · event_id <code>${d.event_id ?? '—'}</code> · journey
        ${event.external_id ? html`<a href="/admin/journeys/${encodeURIComponent(event.external_id)}">${event.external_id}</a>` : 'none (unjoined)'}
      </p>
      ${when(d.note, () => html`<p class="muted">Note: ${d.note}</p>`)}
      ${replayForm(csrf, event.id, `/admin/events/${event.id}`)}
    </section>
    <section id="dispatches">
      <h2>Dispatches</h2>
      ${d.dispatches.length ? d.dispatches.map((dispatch) => dispatchPart(dispatch, dispatch.request_id ? requests.get(dispatch.request_id) : undefined)) : html`<p class="muted">none: no destination decided on it yet</p>`}
    </section>`;
  return layout('failures', `Lifecycle event ${event.event_name ?? '(unmapped)'}`, body);
}
