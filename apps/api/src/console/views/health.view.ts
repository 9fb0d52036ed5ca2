import type { ConsoleHealth } from '../health.service';
import { html, Html, iso, when } from './html';
import { badge, layout, table } from './layout';

const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${Math.round(ms / 1000)} s`);
const up = (ok: boolean, detail: string) => html`${badge(ok ? 'up' : 'down', ok ? 'ok' : 'bad')} ${detail}`;

/** The banner other pages show when work is stuck: stale workers, or events pending for over a minute. */
export function staleBanner(h: Pick<ConsoleHealth, 'workerProblem' | 'stalePending'>): Html {
  return html`${when(h.workerProblem, () => html`<div class="alert" id="worker-alert">Worker: ${h.workerProblem}</div>`)}
  ${when(
    h.stalePending.count,
    () =>
      html`<div class="alert" id="pending-alert">
        ${h.stalePending.count} lifecycle event(s) pending for over a minute (oldest stored
        ${iso(h.stalePending.oldest)}): ${h.stalePending.why}
      </div>`,
  )}`;
}

export function healthView(h: ConsoleHealth): Html {
  const body = html`${staleBanner(h)}
    <p class="muted">read in ${h.tookMs} ms</p>
    <section id="services">
      <h2>Services</h2>
      ${table(
        ['service', 'state'],
        [
          ['api', up(true, 'serving this page')],
          [
            html`<a href="/health/ready">readiness</a>`,
            h.postgres.ok && h.redis.ok && !h.workerProblem
              ? html`${badge('ready', 'ok')} /health/ready answers 200`
              : html`${badge('degraded', 'bad')} /health/ready answers 503:
                ${[
                  h.postgres.ok ? '' : 'Postgres down',
                  h.redis.ok ? '' : 'Redis down',
                  h.workerProblem ?? '',
                ]
                  .filter(Boolean)
                  .join('; ')}`,
          ],
          ['Postgres', up(h.postgres.ok, h.postgres.detail)],
          ['Redis', up(h.redis.ok, h.redis.detail)],
          [
            'workers',
            h.workers === undefined
              ? html`${badge('unknown', 'warn')} ${h.workerProblem}`
              : h.workerProblem
                ? html`${badge('stale', 'bad')} ${h.workerProblem}`
                : html`${badge('up', 'ok')} ${h.workers.length} beating`,
          ],
        ],
      )}
      <h2>Worker heartbeats</h2>
      ${table(
        ['process (host:pid)', 'last beat', 'age'],
        (h.workers ?? []).map((w) => [w.id, iso(w.at), html`<span class="age">${seconds(w.ageMs)}</span>`]),
        h.workers ? 'no worker heartbeat' : 'unknown: Redis does not answer',
      )}
    </section>
    <section id="queues">
      <h2>Queues</h2>
      ${table(
        ['queue', 'waiting', 'active', 'delayed', 'failed', 'oldest waiting'],
        h.queues.map((q) =>
          q.counts
            ? [
                q.name,
                q.counts.waiting ?? 0,
                q.counts.active ?? 0,
                q.counts.delayed ?? 0,
                q.counts.failed ?? 0,
                seconds(q.oldestWaitingMs),
              ]
            : [q.name, html`<span class="muted">${q.error ?? 'unknown'}</span>`, '', '', '', ''],
        ),
      )}
      <p><a href="/admin/queues">Open the queue dashboard</a> to retry or inspect jobs.</p>
    </section>
    <section id="destinations">
      <h2>Destinations</h2>
      ${table(
        ['platform', 'destination', 'state', 'detail'],
        h.destinations.map((d) => [
          d.platform,
          d.destination,
          d.pause
            ? html`${badge('paused', 'bad')}`
            : d.enabled
              ? badge('active', 'ok')
              : badge('off', 'muted'),
          d.pause
            ? html`<span class="pause"
                >Paused since ${iso(d.pause.pausedAt)}: ${d.pause.reason}. To lift it, set new credentials for
                ${d.platform} and restart the worker (a new token lifts the pause).</span
              >`
            : d.detail,
        ]),
      )}
    </section>`;
  return layout('health', 'Health', body);
}
