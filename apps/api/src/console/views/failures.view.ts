import { DISPATCH_PLATFORMS } from '@app/queues';
import type { Failures, FailuresFilter } from '../failures.service';
import { NOT_SENT_STATUSES } from '../failures.service';
import { html, Html, iso, query } from './html';
import { layout, table } from './layout';
import { replayForm, statusBadge } from './parts';

const option = (value: string, selected: string | undefined, text = value) =>
  html`<option value="${value}" ${value === (selected ?? '') ? html` selected` : html``}>${text}</option>`;

export function failuresView(f: Failures, filter: FailuresFilter, csrf: string, back: string): Html {
  const keep = {
    status: filter.status,
    provider: filter.provider,
    event_name: filter.eventName,
    platform: filter.platform,
  };
  const body = html`<section>
      <form method="get" action="/admin/failures" class="inline">
        <label
          >status
          <select name="status">
            ${option('', filter.status, 'any not sent')}${NOT_SENT_STATUSES.map((s) => option(s, filter.status))}
          </select></label
        >
        <label
          >CRM
          <select name="provider">
            ${option('', filter.provider, 'any')}${['hubspot', 'gohighlevel', 'salesforce'].map((p) => option(p, filter.provider))}
          </select></label
        >
        <label
          >event <input name="event_name" value="${filter.eventName ?? ''}" size="14" maxlength="100"
        /></label>
        <label
          >dispatch platform
          <select name="platform">
            ${option('', filter.platform, 'any')}${DISPATCH_PLATFORMS.map((p) => option(p, filter.platform))}
          </select></label
        >
        <button type="submit">Filter</button>
      </form>
      <span class="muted">read in ${f.tookMs} ms</span>
    </section>
    <section id="not-sent-events">
      <h2>Lifecycle events not sent</h2>
      ${table(
        ['stored', 'event', 'status', 'reason', 'CRM record', 'journey', 'replay'],
        f.events.map((event) => [
          iso(event.created_at),
          html`<a href="/admin/events/${event.id}">${event.event_name ?? '(unmapped)'}</a>`,
          statusBadge(event.status),
          event.status_reason,
          `${event.provider} ${event.object_type} ${event.object_id}`,
          event.external_id
            ? html`<a href="/admin/journeys/${encodeURIComponent(event.external_id)}"
                >${event.external_id}</a
              >`
            : 'unjoined',
          replayForm(csrf, event.id, back),
        ]),
        'nothing here: every lifecycle event matching the filter was sent',
      )}
      ${f.nextCursor ? html`<p><a href="/admin/failures${query({ ...keep, cursor: f.nextCursor })}">next page</a></p>` : html``}
    </section>
    <section id="not-sent-dispatches">
      <h2>Dispatches parked, failed or skipped</h2>
      ${table(
        ['created', 'platform', 'destination', 'event', 'status', 'reason', 'lifecycle event'],
        f.dispatches.map((d) => [
          iso(d.created_at),
          d.platform,
          d.destination,
          d.event_name,
          statusBadge(d.status),
          d.status_reason,
          html`<a href="/admin/events/${d.lifecycle_event_id}">open</a>`,
        ]),
        'none',
      )}
      ${f.nextDispatchCursor ? html`<p><a href="/admin/failures${query({ ...keep, dcursor: f.nextDispatchCursor })}">next page</a></p>` : html``}
    </section>`;
  return layout('failures', 'Failures and replays', body);
}

export function replayOutcomeView(
  outcome: { enqueued: number; refused: { lifecycle_event_id: string; reason: string }[] } | string,
  back: string,
): Html {
  const body =
    typeof outcome === 'string'
      ? html`<div class="alert">${outcome}</div>`
      : html`<div class="notice" id="replay-outcome">
            Replay: ${outcome.enqueued} queued
            again${outcome.refused.length ? html`, ${outcome.refused.length} refused` : html``}.
          </div>
          ${outcome.refused.map((r) => html`<div class="alert">Refused ${r.lifecycle_event_id}: ${r.reason}</div>`)}`;
  return layout(
    'failures',
    'Replay',
    html`${body}
      <p><a href="${back}">back</a></p>`,
  );
}
