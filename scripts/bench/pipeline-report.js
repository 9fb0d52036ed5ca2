// Turns a pipeline run into figures: receipt → platform request latency per event and destination (matched
// through that platform's dispatches, so the figures never depend on re-deriving the project's event_id
// scheme), and where the time went per stage (stored → relayed onto the queue → joined + event queued → at
// the platform), from the rows' timestamps.
'use strict';
const { cpuSeconds } = require('./services.js');

const percentile = (sorted, p) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] : NaN;

function spread(values) {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  return {
    p50_ms: Math.round(percentile(sorted, 0.5)),
    p95_ms: Math.round(percentile(sorted, 0.95)),
    max_ms: Math.round(sorted.at(-1) ?? NaN),
  };
}

/** Lifecycle rows of the run with their dispatches (one per platform), timestamps as epoch ms (same host). */
async function loadRows(sql) {
  const ms = (column) => `(extract(epoch from ${column}) * 1000)::float8`;
  const { rows } = await sql.query(
    `SELECT l.id, l.object_id, l.event_name, l.status, c.platform, c.event_id, ${ms('l.created_at')} AS stored, ${ms('l.enqueued_at')} AS relayed,
            ${ms('c.created_at')} AS queued, ${ms('c.sent_at')} AS sent
     FROM lifecycle_events l LEFT JOIN dispatches c ON c.lifecycle_event_id = l.id
     WHERE l.provider = 'hubspot'`,
  );
  return rows;
}

/**
 * One phase of the run (its event name) at one platform: `receipts`: deal id → when its delivery was answered
 * 200; `fake`: that platform's fake (its arrivals: event id → times); `started`: when the phase's first
 * delivery was sent. Every platform shares the event id, so rows are told apart by `platform`.
 */
function report({ rows, platform, receipts, fake, started, eventName }) {
  const byEventId = new Map(
    rows
      .filter((row) => row.event_id && row.event_name === eventName && row.platform === platform)
      .map((row) => [row.event_id, row]),
  );
  const latencies = [];
  const stages = { relay: [], join: [], dispatch: [] };
  const ends = { stored: 0, relayed: 0, queued: 0, graph: 0 };
  let unmatched = 0;
  let duplicates = 0;
  for (const [eventId, times] of fake.arrivals) {
    const row = byEventId.get(eventId);
    if (!row) continue; // the other phase's event
    duplicates += times.length - 1;
    const receipt = row && receipts.get(row.object_id);
    if (receipt === undefined) {
      unmatched++;
      continue;
    }
    const arrived = times[0];
    latencies.push(arrived - receipt);
    stages.relay.push(row.relayed - row.stored);
    stages.join.push(row.queued - row.relayed);
    stages.dispatch.push(arrived - row.queued);
    ends.stored = Math.max(ends.stored, row.stored);
    ends.relayed = Math.max(ends.relayed, row.relayed);
    ends.queued = Math.max(ends.queued, row.queued);
    ends.graph = Math.max(ends.graph, arrived);
  }
  // Lifecycle statuses: one per lifecycle row, whatever number of dispatches it has.
  const lifecycle = new Map(
    rows.filter((r) => r.event_name === eventName).map((row) => [row.id, row.status]),
  );
  const statuses = {};
  for (const status of lifecycle.values()) statuses[status] = (statuses[status] ?? 0) + 1;
  return {
    latency: spread(latencies),
    matched: latencies.length,
    unmatched,
    duplicates,
    last_arrival: ends.graph,
    statuses,
    stages: {
      relay: spread(stages.relay),
      join: spread(stages.join),
      dispatch: spread(stages.dispatch),
    },
    /** When each stage had handled its last event, in seconds after the first delivery was sent. */
    stage_done_s: Object.fromEntries(
      Object.entries(ends).map(([stage, at]) => [stage, +((at - started) / 1000).toFixed(2)]),
    ),
  };
}

/**
 * CPU seconds used so far by the Postgres backends serving this database (pid → seconds), read from /proc:
 * with the api's and the worker's own CPU it tells whether the pipeline waited on CPU or on round trips.
 * Backends that close during the run drop out, so the sum is a lower bound.
 */
async function postgresCpu(sql) {
  const { rows } = await sql.query(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  const used = new Map();
  for (const { pid } of rows) {
    try {
      used.set(pid, cpuSeconds(pid));
    } catch {
      // not readable (Postgres in a container) or already gone
    }
  }
  return used;
}

function postgresCpuUsed(before, after) {
  let sum = 0;
  for (const [pid, seconds] of after) sum += seconds - (before.get(pid) ?? 0);
  return after.size ? +sum.toFixed(1) : null;
}

/** Status counts, for a run that timed out: where the events are stuck. */
async function stuckCounts(sql) {
  const count = async (table) =>
    Object.fromEntries(
      (await sql.query(`SELECT status, count(*)::int AS n FROM ${table} GROUP BY status`)).rows.map((row) => [
        row.status,
        row.n,
      ]),
    );
  return { lifecycle_events: await count('lifecycle_events'), dispatches: await count('dispatches') };
}

/**
 * Match-key coverage of the run's sent Meta events (the keys are Meta's `user_data` ones): per key, how many
 * events' (linked) journeys knew it, how many events carried it, and the gaps (knew it, did not carry it: a
 * bug). `keys`: libs/destinations's COVERAGE_KEYS.
 */
async function matchKeyCoverage(sql, keys) {
  const { rows } = await sql.query(
    `SELECT k AS key, count(*) FILTER (WHERE k = ANY(known_keys))::int AS known,
       count(*) FILTER (WHERE (payload->'user_data') ? k)::int AS sent,
       count(*) FILTER (WHERE k = ANY(known_keys) AND NOT (payload->'user_data') ? k)::int AS gaps
     FROM dispatches, unnest($1::text[]) k
     WHERE platform = 'meta' AND status = 'sent' AND known_keys <> '{}' GROUP BY k`,
    [keys],
  );
  const per_key = Object.fromEntries(rows.map((row) => [row.key, { known: row.known, sent: row.sent }]));
  const sum = (field) => rows.reduce((total, row) => total + row[field], 0);
  return { keys_known: sum('known'), keys_sent: sum('sent'), gaps: sum('gaps'), per_key };
}

/** The pipeline run's detail lines for `npm run bench`: baseline runs, Graph, stages, CPU (the table has the figures). */
function pipelineDetails(result) {
  const lines = [];
  lines.push(
    `baseline: BullMQ no-op jobs on the same Redis, best of ` +
      `${result.baseline_runs.map((run) => `${run.phase} c${run.concurrency} ${run.jobs_per_s}/s`).join(', ')}; ` +
      `its p95 is add → completion, its RSS that bare Node + BullMQ process`,
  );
  lines.push(
    `Graph: ${result.graph_requests} requests (${result.graph_refused} refused), ` +
      `${result.events_per_request} events/request, ` +
      `${result.duplicates} duplicates; lifecycle statuses ${JSON.stringify(result.statuses)}`,
  );
  lines.push(...destinationLines(result.destinations ?? {}));
  for (const [phase, { relay, join, dispatch }] of Object.entries(result.stages)) {
    lines.push(
      `${phase} stages p50/p95 ms: relay (stored → queued) ${relay.p50_ms}/${relay.p95_ms}, ` +
        `join (queued → CAPI event) ${join.p50_ms}/${join.p95_ms}, dispatch (→ Graph) ${dispatch.p50_ms}/${dispatch.p95_ms}`,
    );
  }
  const done = result.stage_done_s;
  lines.push(
    `sequential: last event done at +s: stored ${done.stored}, relayed ${done.relayed}, joined ${done.queued}, ` +
      `at Graph ${done.graph}; seeding took ${result.seed_s} s`,
  );
  if (result.coverage) {
    const { keys_known, keys_sent, gaps, per_key } = result.coverage;
    const known = Object.entries(per_key).filter(([, counts]) => counts.known);
    lines.push(
      `match keys over sent events: ${keys_known} known, ${keys_sent} sent, ${gaps} gaps (known, not sent); ` +
        known.map(([key, counts]) => `${key} ${counts.sent}/${counts.known}`).join(', '),
    );
  }
  const errors = Object.entries(result.worker_errors ?? {}).sort((a, b) => b[1] - a[1]);
  lines.push(
    `worker errors logged: ${errors.reduce((sum, [, n]) => sum + n, 0)}` +
      errors.map(([message, n]) => `; ${n}× ${message.slice(0, 200)}`).join(''),
  );
  lines.push(
    `CPU seconds in the three timed phases: api ${result.cpu_s.api}, worker ${result.cpu_s.worker}, ` +
      `Postgres backends of this database ${result.cpu_s.postgres ?? 'n/a'}`,
  );
  if (result.redis_bytes_per_job)
    lines.push(`Redis bytes per completed job (kept a day): ${JSON.stringify(result.redis_bytes_per_job)}`);
  return lines;
}

/** One line per destination: what arrived, how fast, how late, and what its dispatches rows say. */
function destinationLines(destinations) {
  return Object.entries(destinations).map(([platform, d]) => {
    const clicked =
      d.clicked === undefined ? 'see match keys' : `${d.clicked}/${d.clicked_expected} expected`;
    return (
      `${platform}: ${d.received} events received, ${d.events_per_s} events/s (sequential), receipt → request ` +
      `p50/p95 ${d.p50_ms}/${d.p95_ms} ms at 2000/s, ${d.p50_ms_at_500}/${d.p95_ms_at_500} ms at 500/s ` +
      `(sequential p95 ${d.sequential_p95_ms}), ${d.duplicates} duplicates, ` +
      `${d.refused} refused, ${d.click_id} ${clicked}; ${d.requests} requests (${d.events_per_request} ` +
      `events/request, p50/p95 ${d.request_p50_ms}/${d.request_p95_ms} ms); dispatches ${JSON.stringify(d.statuses)}`
    );
  });
}

module.exports = {
  loadRows,
  matchKeyCoverage,
  pipelineDetails,
  postgresCpu,
  postgresCpuUsed,
  report,
  stuckCounts,
  spread,
};
