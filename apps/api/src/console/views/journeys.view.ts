import type { SearchResult } from '../journey-search.service';
import { html, Html, iso } from './html';
import { layout, table } from './layout';
import { statusBadge } from './parts';

/** The search form: POST, so an email typed in never lands in a URL, the browser history or a log. */
export function searchForm(): Html {
  return html`<section>
    <form method="post" action="/admin/journeys/search" class="inline">
      <label for="q">external_id, CRM record id, email or phone</label>
      <input id="q" name="q" required maxlength="320" size="40" autocomplete="off" />
      <button type="submit">Search</button>
    </form>
    <p class="muted">
      An email or phone is normalised and hashed on the server as forms are; only the hash is looked up.
    </p>
  </section>`;
}

export function journeysView(result?: SearchResult): Html {
  const body = html`${searchForm()}
  ${
    result
      ? html`<section id="results">
          <h2>Journeys</h2>
          <p class="muted">Read as: ${result.readAs.join(', ')}</p>
          ${table(
            ['external_id', 'matched by', 'first seen', 'last seen'],
            result.journeys.map((hit) => [
              html`<a href="/admin/journeys/${encodeURIComponent(hit.external_id)}">${hit.external_id}</a>`,
              hit.matched_by,
              iso(hit.first_seen_at),
              iso(hit.last_seen_at),
            ]),
            'no journey found',
          )}
          <h2>Lifecycle events of that CRM record</h2>
          ${table(
            ['event', 'status', 'reason', 'record', 'journey'],
            result.events.map((event) => [
              html`<a href="/admin/events/${event.id}">${event.event_name ?? '(unmapped)'}</a>`,
              statusBadge(event.status),
              event.status_reason,
              `${event.provider} ${event.object_type} ${event.object_id}`,
              event.external_id
                ? html`<a href="/admin/journeys/${encodeURIComponent(event.external_id)}"
                    >${event.external_id}</a
                  >`
                : 'unjoined',
            ]),
            'none',
          )}
        </section>`
      : html``
  }`;
  return layout('journeys', 'Journeys', body);
}
