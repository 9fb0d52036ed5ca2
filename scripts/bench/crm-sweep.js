#!/usr/bin/env node
// How long a reconciliation sweep over N changed CRM records takes, and how many API calls it spends: seeds
// a tiny in-process fake of the CRM's API with N records changed in the last hours (all to a mapped stage),
// then runs `npm run crm:backfill` (the compiled dist, in its own process, against a fresh migrated database)
// again until every change is stored, timing each run and counting the fake's requests by kind.
//
//   npm run build && node scripts/bench/crm-sweep.js [--records 10000] [--crm hubspot|gohighlevel|salesforce|all]
//
// Needs Postgres (BENCH_DATABASE_URL's server, default postgresql://postgres@127.0.0.1:5432/postgres).
'use strict';
const { execFile } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const path = require('node:path');
const { promisify } = require('node:util');
const { Client } = require('pg');
const { migrate } = require('../db-migrate.js');
const { FAKES } = require('./crm-sweep-fakes.js');

const ROOT = path.join(__dirname, '..', '..');
const SERVER_URL = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
/** Runs before giving up: a sweep that never gets through its records must say so, not loop. */
const MAX_RUNS = 6;

function args(argv) {
  const flags = { records: 10_000, crm: 'hubspot' };
  for (let i = 0; i < argv.length; i += 2) flags[argv[i].replace(/^--/, '')] = argv[i + 1];
  return { records: Number(flags.records), crms: flags.crm === 'all' ? Object.keys(FAKES) : [flags.crm] };
}

async function withDatabase(run) {
  const database = `bench_crm_sweep_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: SERVER_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${database}`;
  try {
    await migrate({ databaseUrl: url.toString(), log: () => undefined });
    return await run(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

async function backfill(crm, env) {
  const started = process.hrtime.bigint();
  const { stdout, stderr, code } = await promisify(execFile)(
    'node',
    ['scripts/crm-backfill.js', '--crm', crm, '--since', '2d'],
    { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'info' }, maxBuffer: 1 << 26 },
  ).then(
    (done) => ({ ...done, code: 0 }),
    (error) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? '', code: error.code ?? 1 }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const done = /backfill done: ([^"]*)/.exec(stdout)?.[1];
  const failed = /backfill failed: ([^"]*)/.exec(stdout)?.[1] ?? stderr.trim();
  return { seconds, code, summary: done ?? `failed: ${failed}` };
}

async function benchCrm(crm, records) {
  const fake = FAKES[crm](records);
  const { url } = await fake.start();
  try {
    return await withDatabase(async (databaseUrl) => {
      const env = {
        DATABASE_URL: databaseUrl,
        REDIS_URL: 'redis://127.0.0.1:6379',
        ADMIN_TOKEN: 'bench-admin-token-0123456789abcdef',
        INGEST_API_KEY: 'bench-ingest-key-0123456789abcdef',
        DEFAULT_CURRENCY: 'USD',
        ...fake.env(url),
      };
      const sql = new Client({ connectionString: databaseUrl });
      await sql.connect();
      const report = { crm, records, runs: [] };
      try {
        for (let run = 1; run <= MAX_RUNS; run++) {
          const before = fake.calls();
          const result = await backfill(crm, env);
          const after = fake.calls();
          const calls = Object.fromEntries(
            Object.entries(after).map(([kind, n]) => [kind, n - (before[kind] ?? 0)]),
          );
          const stored = Number((await sql.query('SELECT count(*) AS n FROM lifecycle_events')).rows[0].n);
          report.runs.push({ run, ...result, calls, storedTotal: stored });
          process.stdout.write(
            `${crm} run ${run}: ${result.seconds.toFixed(1)} s, exit ${result.code}, ` +
              `API calls ${JSON.stringify(calls)}, ${stored}/${records} stored in all — ${result.summary}\n`,
          );
          if (stored >= records) break;
        }
      } finally {
        await sql.end();
      }
      return report;
    });
  } finally {
    await fake.stop();
  }
}

async function main() {
  const { records, crms } = args(process.argv.slice(2));
  for (const crm of crms) {
    if (!FAKES[crm]) throw new Error(`unknown --crm ${crm}`);
    const report = await benchCrm(crm, records);
    const seconds = report.runs.reduce((sum, run) => sum + run.seconds, 0);
    const calls = report.runs.reduce(
      (sum, run) => sum + Object.values(run.calls).reduce((a, b) => a + b, 0),
      0,
    );
    const stored = report.runs.at(-1)?.storedTotal ?? 0;
    process.stdout.write(
      `${crm}: ${stored}/${records} changes stored in ${report.runs.length} run(s), ` +
        `${seconds.toFixed(1)} s in all, ${calls} API calls\n`,
    );
  }
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
