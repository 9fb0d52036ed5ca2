#!/usr/bin/env node
// npm run bench [-- --json] [-- --duration 15]
// Measures the project against a baseline measured in the same run (ratios: machines are noisy) and prints
// one row per figure. Starts its own api against a fresh database; needs `npm run build` and local
// Postgres + Redis. Implemented so far: ingest (POST /v1/touchpoints vs a bare node:http + pg server with one
// INSERT per request) and peak RSS of the api. The pipeline and join-lookup figures are still to come.
'use strict';
const { fork, spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { Client } = require('pg');
const autocannon = require('autocannon');
const { migrate } = require('./db-migrate.js');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const asJson = args.includes('--json');
const duration = Number(args[args.indexOf('--duration') + 1]) || 15;
const serverUrl = process.env.BENCH_DATABASE_BASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432';
const log = (line) => (asJson ? process.stderr : process.stdout).write(`${line}\n`);

const UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const BODY = JSON.stringify({
  external_id: 'bench-[<id>]',
  url: 'https://www.shop.test/landing?utm_source=facebook&utm_campaign=bench&fbclid=IwAR[<id>]',
  ip: '203.0.113.5',
  user_agent: UA,
});

async function withAdmin(run) {
  const client = new Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

function load(url, headers) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, method: 'POST', connections: 50, duration, headers, body: BODY, idReplacement: true },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

const peakRssMb = (pid) => {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
};

async function waitForHealth(url) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // starting
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not become healthy`);
}

async function main() {
  if (!fs.existsSync(path.join(root, 'dist/apps/api/src/main.js')))
    throw new Error('run `npm run build` first');
  const database = `journey_bench_${Date.now()}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${database}`));
  const databaseUrl = `${serverUrl}/${database}`;
  const children = [];
  try {
    await migrate({ databaseUrl, log: () => undefined });

    log(`ingest baseline: node:http + pg, one INSERT per request (${duration} s, 50 connections)`);
    const baseline = fork(path.join(__dirname, 'bench/baseline-server.js'), {
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: '3990' },
    });
    children.push(baseline);
    await new Promise((resolve) => baseline.once('message', resolve));
    const base = await load('http://127.0.0.1:3990/', { 'content-type': 'application/json' });
    baseline.kill();

    log(`ingest: POST /v1/touchpoints (${duration} s, 50 connections)`);
    const key = 'bench-ingest-key-0123456789';
    const api = spawn(process.execPath, [path.join(root, 'dist/apps/api/src/main.js')], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        INGEST_API_KEY: key,
        PORT: '3991',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
        QUEUE_PREFIX: database,
      },
      stdio: 'ignore',
    });
    children.push(api);
    await waitForHealth('http://127.0.0.1:3991');
    const ours = await load('http://127.0.0.1:3991/v1/touchpoints', {
      'content-type': 'application/json',
      'x-api-key': key,
    });
    const apiRss = peakRssMb(api.pid);

    const errors = (result) => result.errors + result.non2xx;
    const summary = {
      ingest: {
        rps: Math.round(ours.requests.average),
        baseline_rps: Math.round(base.requests.average),
        ratio: +(ours.requests.average / base.requests.average).toFixed(2),
        p99_ms: ours.latency.p99,
        baseline_p99_ms: base.latency.p99,
        errors: errors(ours),
        baseline_errors: errors(base),
      },
      rss_mb: { api: apiRss },
      not_measured_yet: ['pipeline', 'join', 'rss_mb.worker'],
    };
    if (asJson) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      log('');
      log('figure                    project    baseline   ratio');
      log(
        `ingest req/s              ${String(summary.ingest.rps).padEnd(10)} ${String(summary.ingest.baseline_rps).padEnd(10)} ${summary.ingest.ratio}`,
      );
      log(
        `ingest p99 ms             ${String(summary.ingest.p99_ms).padEnd(10)} ${String(summary.ingest.baseline_p99_ms).padEnd(10)}`,
      );
      log(
        `ingest errors             ${String(summary.ingest.errors).padEnd(10)} ${summary.ingest.baseline_errors}`,
      );
      log(`api peak RSS MB           ${apiRss}`);
      log('not measured yet: pipeline events/s, join lookups, worker RSS');
    }
  } finally {
    for (const child of children) child.kill();
    await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
