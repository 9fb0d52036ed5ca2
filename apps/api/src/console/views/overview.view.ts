import { COVERAGE_KEYS } from '@app/destinations';
import { NOT_SENT_STATUSES } from '../failures.service';
import type { Overview } from '../overview.service';
import { barChart, columnChart } from './chart';
import { html, Html } from './html';
import { badge, layout, table } from './layout';

/** What each not-sent lifecycle status means for the operator. */
export const STATUS_MEANINGS: Record<string, string> = {
  pending: 'stored, waiting for the worker to queue it',
  queued: 'on its way to the destinations',
  sent: 'sent to at least one destination',
  unjoined: 'no journey found yet; tried again as identities arrive',
  blocked_consent: 'the visitor did not consent to advertising data',
  blocked_bot: "the journey is a bot's",
  expired: 'too old for the destination when it was ready',
  rejected: 'refused by the destination (parked)',
  invalid: 'the destination refused the event as invalid',
  waiting_destination: 'no destination configured for it (not sent)',
  unmapped: 'no stage rule maps this change (kept, never sent)',
  duplicate: 'another change of the same CRM object carries this event',
  failed: 'retries exhausted',
  erased: 'its journey was erased',
};

const pct = (share: number) => `${Math.round(share * 100)}%`;

export function overviewView(o: Overview, staleNotice?: Html): Html {
  const funnel = [
    { label: 'touchpoints', value: o.funnel.touchpoints },
    { label: 'forms', value: o.funnel.forms },
    { label: 'webhooks received', value: o.funnel.webhooks },
    { label: 'lifecycle changes', value: o.funnel.changes },
    { label: 'mapped to an event', value: o.funnel.mapped },
    { label: 'joined to a journey', value: o.funnel.joined },
    ...o.sent.map((row) => ({ label: `sent: ${row.platform} ${row.destination}`, value: row.count })),
  ];
  const tick = (at: Date) =>
    o.unit === 'hour' ? `${at.toISOString().slice(11, 13)}h` : at.toISOString().slice(5, 10);
  const body = html` ${staleNotice ?? html``}
    <p class="tabs">
      Window:
      <a href="/admin?window=24h" ${o.window === '24h' ? html` aria-current="page"` : html``}
        >last 24 hours</a
      >
      <a href="/admin?window=7d" ${o.window === '7d' ? html` aria-current="page"` : html``}>last 7 days</a>
      <span class="muted">since ${o.since.toISOString()} · read in ${o.tookMs} ms</span>
    </p>
    <div class="grid">
      <section id="funnel">
        <h2>Funnel</h2>
        ${barChart(funnel, 'Funnel')}
        ${table(
          ['step', 'count'],
          funnel.map((row) => [
            row.label,
            html`<span class="num" data-step="${row.label}">${row.value}</span>`,
          ]),
        )}
      </section>
      <section id="sent-over-time">
        <h2>Sent events over time (per ${o.unit}, UTC)</h2>
        ${columnChart(o.sentOverTime, 'Sent events over time', tick)}
      </section>
    </div>
    <div class="grid">
      <section id="statuses">
        <h2>Lifecycle events by status</h2>
        ${table(
          ['status', 'count', 'meaning'],
          o.statuses.map((row) => [
            (NOT_SENT_STATUSES as readonly string[]).includes(row.status)
              ? html`<a href="/admin/failures?status=${row.status}">${row.status}</a>`
              : row.status,
            row.count,
            STATUS_MEANINGS[row.status] ?? '',
          ]),
          'no lifecycle events in this window',
        )}
      </section>
      <section id="dispatches">
        <h2>Dispatches by destination and status</h2>
        ${table(
          ['platform', 'destination', 'status', 'count'],
          o.dispatches.map((row) => [
            row.platform,
            row.destination,
            badge(
              row.status,
              row.status === 'sent' || row.status === 'dry_run'
                ? 'ok'
                : row.status === 'queued'
                  ? 'muted'
                  : 'warn',
            ),
            row.count,
          ]),
          'no dispatches in this window',
        )}
        <h2>Not sent, by reason</h2>
        ${table(
          ['platform', 'status', 'reason', 'count'],
          o.notSent.map((row) => [row.platform, row.status, row.reason || '—', row.count]),
          'nothing refused or skipped in this window',
        )}
      </section>
      <section id="join-methods">
        <h2>Join methods</h2>
        ${table(
          ['join method', 'count'],
          o.joinMethods.map((row) => [row.joinMethod, row.count]),
          'nothing joined in this window',
        )}
      </section>
    </div>
    <section id="coverage">
      <h2>Match-key coverage of sent events</h2>
      <p class="muted">
        Per destination and event name: the share carrying each key (Meta's user_data) / the share whose
        journey knew it.
      </p>
      ${table(
        ['destination', 'event', 'events', ...COVERAGE_KEYS],
        o.coverage.map((row) => [
          `${row.platform} ${row.destination}`,
          row.eventName,
          row.events,
          ...COVERAGE_KEYS.map((key) =>
            row.carried ? `${pct(row.carried[key])} / ${pct(row.known[key])}` : `— / ${pct(row.known[key])}`,
          ),
        ]),
        'nothing sent in this window',
      )}
    </section>`;
  return layout('overview', 'Overview', body);
}
