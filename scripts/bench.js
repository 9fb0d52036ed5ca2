#!/usr/bin/env node
// npm run bench [-- --json] [-- --duration 10] [-- --rounds 3] [-- --api-processes 1] [-- --events 10000] [-- --join-visitors 1000000]
//   [-- --join-lookups 20000] [-- --only ingest,pipeline,join] [-- --platforms meta,google,tiktok,linkedin]
// Measures the project against baselines measured in the same run (ratios: machines are noisy) and prints
// one row per figure: ingest (api vs bare node:http + pg), pipeline (signed HubSpot batches → fakes of the
// four ad platforms vs BullMQ no-op jobs; the first rows are Meta's, then a pair per other platform), join
// lookups (1M visitors / 10M touchpoints loaded with COPY vs a primary-key read), peak RSS of api and worker.
// Each part gets a fresh database; needs `npm run build`, Postgres and Redis.
'use strict';
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { migrate } = require('./db-migrate.js');
const { benchIngest } = require('./bench/ingest.js');
const { benchPipeline } = require('./bench/pipeline.js');
const { pipelineDetails } = require('./bench/pipeline-report.js');
const { benchJoin } = require('./bench/join.js');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const option = (name, fallback) => (args.includes(name) ? args[args.indexOf(name) + 1] : fallback);
const asJson = args.includes('--json');
const duration = Number(option('--duration', 10));
const rounds = Number(option('--rounds', 3));
const apiProcesses = Number(option('--api-processes', process.env.API_PROCESSES ?? 1));
const events = Number(option('--events', 10_000));
const joinVisitors = Number(option('--join-visitors', 1_000_000));
const joinLookups = Number(option('--join-lookups', 20_000));
const only = option('--only', 'ingest,pipeline,join').split(',');
// The pipeline's destinations (default all four); `--platforms meta` measures Meta alone, as before the others.
const platforms = option('--platforms', 'meta,google,tiktok,linkedin').split(',');
const serverUrl = process.env.BENCH_DATABASE_BASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432';
const redisUrl = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (line) => (asJson ? process.stderr : process.stdout).write(`${line}\n`);

async function admin(statement) {
  const client = new Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Runs one part against a fresh, migrated database of its own, dropped afterwards. */
async function withDatabase(part, run) {
  const database = `journey_bench_${part}_${Date.now()}`;
  await admin(`CREATE DATABASE ${database}`);
  const databaseUrl = `${serverUrl}/${database}`;
  try {
    await migrate({ databaseUrl, log: () => undefined });
    return await run({ databaseUrl, queuePrefix: database });
  } finally {
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  }
}

function table(summary) {
  const rows = [['figure', 'project', 'baseline', 'ratio', 'target']];
  const { ingest, pipeline, join, rss_mb } = summary;
  if (ingest) {
    rows.push([
      `ingest req/s (${ingest.processes} api proc, median of ${ingest.rounds})`,
      ingest.rps,
      ingest.baseline_rps,
      ingest.ratio,
      'ratio >= 1.0',
    ]);
    rows.push(['ingest p99 ms', ingest.p99_ms, ingest.baseline_p99_ms, '', '<= 25']);
    rows.push(['ingest errors', ingest.errors, ingest.baseline_errors, '', '0']);
  }
  if (pipeline) {
    rows.push([
      'pipeline events/s sequential (jobs/s)',
      pipeline.events_per_s,
      pipeline.baseline_jobs_per_s,
      pipeline.ratio,
      '>= 2000',
    ]);
    rows.push(['pipeline p95 ms at 2000/s', pipeline.p95_ms, '', '', '<= 2000']);
    rows.push(['pipeline p95 ms at 500/s', pipeline.p95_ms_at_500, '', '', '<= 1000']);
    // The lines above are Meta's (as before the other platforms); the same two figures for each other one.
    for (const [platform, d] of Object.entries(pipeline.destinations ?? {})) {
      if (platform === 'meta') continue;
      const ratio = +(d.events_per_s / pipeline.baseline_jobs_per_s).toFixed(2);
      rows.push([
        `pipeline ${platform} events/s`,
        d.events_per_s,
        pipeline.baseline_jobs_per_s,
        ratio,
        '>= 2000',
      ]);
      rows.push([`pipeline ${platform} p95 ms at 2000/s`, d.p95_ms, '', '', '<= 2000']);
      rows.push([`pipeline ${platform} p95 ms at 500/s`, d.p95_ms_at_500, '', '', '<= 1000']);
    }
  }
  if (join) {
    rows.push(['join lookup p50 ms', join.p50_ms, join.baseline_p50_ms, '', '']);
    rows.push(['join lookup p99 ms', join.p99_ms, join.baseline_p99_ms, join.ratio, '<= 5']);
  }
  if (rss_mb.api !== undefined) rows.push(['api peak RSS MB', rss_mb.api, '', '', '<= 300']);
  if (rss_mb.worker !== undefined) rows.push(['worker peak RSS MB', rss_mb.worker, '', '', '<= 300']);
  const widths = [38, 10, 10, 7, 12];
  return rows.map((row) => row.map((cell, i) => String(cell ?? '').padEnd(widths[i])).join(' ')).join('\n');
}

async function main() {
  const summary = { machine: { cpus: os.cpus().length, load_before: os.loadavg()[0] }, rss_mb: {} };
  if (only.includes('ingest')) {
    summary.ingest = await withDatabase('ingest', (db) =>
      benchIngest({ ...db, redisUrl, root, duration, rounds, processes: apiProcesses, log }),
    );
    summary.rss_mb.api = summary.ingest.rss_mb;
  }
  if (only.includes('pipeline')) {
    summary.pipeline = await withDatabase('pipeline', (db) =>
      benchPipeline({ ...db, redisUrl, root, events, log, platforms }),
    );
    summary.rss_mb.api = Math.max(summary.rss_mb.api ?? 0, summary.pipeline.rss_mb.api);
    summary.rss_mb.worker = summary.pipeline.rss_mb.worker;
  }
  if (only.includes('join')) {
    summary.join = await withDatabase('join', (db) =>
      benchJoin({ ...db, visitors: joinVisitors, lookups: joinLookups, log }),
    );
  }
  summary.machine.load_after = os.loadavg()[0];
  if (asJson) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
  else {
    log('');
    log(table(summary));
    if (summary.pipeline) log(`\n${pipelineDetails(summary.pipeline).join('\n')}`);
    log(
      `\nload average (1 min) before/after: ${summary.machine.load_before.toFixed(1)}/${summary.machine.load_after.toFixed(1)} on ${summary.machine.cpus} CPUs`,
    );
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
