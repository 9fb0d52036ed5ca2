// `node scripts/bench/pipeline.js --standalone [--events N] [--json]`: the pipeline benchmark on its own,
// against a database it creates (journey_bench_pl_<timestamp>), migrates and drops. Prints each figure
// next to its same-run baseline, the ratio and the issue's target.
'use strict';
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');

const root = path.join(__dirname, '..', '..');
const serverUrl = process.env.BENCH_DATABASE_BASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function admin(statement) {
  const client = new Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function print(result, log) {
  const row = (figure, ours, base, target) => {
    const ratio = typeof base === 'number' && base ? (ours / base).toFixed(2) : '-';
    log(
      `${figure.padEnd(30)} ${String(ours).padEnd(9)} ${String(base).padEnd(9)} ${ratio.padEnd(6)} ${target}`,
    );
  };
  log('');
  log(`${'figure'.padEnd(30)} ${'project'.padEnd(9)} ${'baseline'.padEnd(9)} ${'ratio'.padEnd(6)} target`);
  row('pipeline events/s (burst)', result.events_per_s, result.baseline_jobs_per_s, '>= 2000');
  row(`p95 ms at ${result.paced_events_per_s}/s`, result.p95_ms, result.baseline_p95_ms, '<= 2000');
  row('p50 / max ms at that rate', `${result.p50_ms}/${result.max_ms}`, '-', '');
  row(
    'burst p50 / p95 ms (backlog)',
    `${result.burst_latency.p50_ms}/${result.burst_latency.p95_ms}`,
    '-',
    '',
  );
  row('api peak RSS MB', result.rss_mb.api, result.baseline_rss_mb, '<= 300');
  row('worker peak RSS MB', result.rss_mb.worker, result.baseline_rss_mb, '<= 300');
  log('');
  log(
    `baseline: BullMQ no-op jobs on the same Redis, best of ` +
      `${result.baseline_runs.map((run) => `${run.phase} c${run.concurrency} ${run.jobs_per_s}/s`).join(', ')}; ` +
      `its p95 is add → completion, its RSS that bare Node + BullMQ process`,
  );
  log(
    `Graph: ${result.graph_requests} requests (${result.graph_refused} refused), ` +
      `${result.events_per_request} events/request, ` +
      `${result.duplicates} duplicates; lifecycle statuses ${JSON.stringify(result.statuses)}`,
  );
  for (const [phase, { relay, join, dispatch }] of Object.entries(result.stages)) {
    log(
      `${phase} stages p50/p95 ms: relay (stored → queued) ${relay.p50_ms}/${relay.p95_ms}, ` +
        `join (queued → CAPI event) ${join.p50_ms}/${join.p95_ms}, dispatch (→ Graph) ${dispatch.p50_ms}/${dispatch.p95_ms}`,
    );
  }
  const done = result.stage_done_s;
  log(
    `burst: last event done at +s: stored ${done.stored}, relayed ${done.relayed}, joined ${done.queued}, ` +
      `at Graph ${done.graph}; seeding took ${result.seed_s} s`,
  );
  log(
    `CPU seconds in both timed phases: api ${result.cpu_s.api}, worker ${result.cpu_s.worker}, ` +
      `Postgres backends of this database ${result.cpu_s.postgres ?? 'n/a'}`,
  );
  const [loadBefore, loadAfter] = result.load_avg_1m;
  log(
    `load average (1 min): ${loadBefore} at the start (other work), ${loadAfter} after the pipeline ` +
      `(includes this run), ${os.cpus().length} CPUs`,
  );
  if (loadBefore > os.cpus().length / 2)
    log('warning: the machine was busy with other work; figures are noisy, ratios less so');
}

async function main(benchPipeline) {
  const args = process.argv.slice(2);
  const asJson = args.includes('--json');
  const events = args.includes('--events') ? Number(args[args.indexOf('--events') + 1]) : 10_000;
  if (!Number.isInteger(events) || events < 1) throw new Error('--events takes a positive integer');
  const log = (line) => (asJson ? process.stderr : process.stdout).write(`${line}\n`);
  const { migrate } = require(path.join(root, 'scripts/db-migrate.js'));

  const database = `journey_bench_pl_${Date.now()}`;
  await admin(`CREATE DATABASE ${database}`);
  try {
    const databaseUrl = `${serverUrl}/${database}`;
    await migrate({ databaseUrl, log: () => undefined });
    const result = await benchPipeline({ databaseUrl, redisUrl, queuePrefix: database, log, events, root });
    if (asJson) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else print(result, log);
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

module.exports = { main };
