// Ingest figure of `npm run bench`: POST /v1/touchpoints with autocannon (50 connections) against a bare
// node:http + pg server doing one INSERT per request into the same table shape, in alternating rounds of the
// same run.
'use strict';
const { fork } = require('node:child_process');
const { once } = require('node:events');
const path = require('node:path');
const autocannon = require('autocannon');
const { Client } = require('pg');
const { freePort, peakRssMb, spawnService, stopService, waitForApi } = require('./services.js');

const UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';
const BODY = JSON.stringify({
  external_id: 'bench-[<id>]',
  url: 'https://www.shop.test/landing?utm_source=facebook&utm_campaign=bench&fbclid=IwAR[<id>]',
  ip: '203.0.113.5',
  user_agent: UA,
});
const KEY = 'bench-ingest-key-0123456789';

function load(url, headers, duration) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, method: 'POST', connections: 50, duration, headers, body: BODY, idReplacement: true },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Runs the baseline and the api in alternating rounds (`rounds` of each, `duration` seconds per round) on the
 * same (migrated) database, both servers up throughout, and reports the medians: load that comes and goes on a
 * shared machine then weighs on both sides alike. `processes`: the api's API_PROCESSES.
 */
async function benchIngest({
  databaseUrl,
  redisUrl,
  queuePrefix,
  root,
  duration = 10,
  rounds = 3,
  processes = Number(process.env.API_PROCESSES ?? 1),
  log = () => undefined,
}) {
  const basePort = await freePort();
  const baseline = fork(path.join(__dirname, 'baseline-server.js'), {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(basePort) },
  });
  const port = await freePort();
  const api = spawnService(root, 'api', {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    INGEST_API_KEY: KEY,
    // The limit still runs (its Redis round trip is part of the figure) but never refuses the load.
    INGEST_RATE_PER_KEY_PER_MINUTE: '1000000000',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: queuePrefix,
    API_PROCESSES: String(processes),
  });
  const runs = { baseline: [], api: [] };
  // WAL the api's rounds wrote per accepted touchpoint (visitor upsert included): docs/scaling.md's write rate.
  const sql = new Client({ connectionString: databaseUrl });
  await sql.connect();
  const walLsn = async () => (await sql.query('SELECT pg_current_wal_lsn() AS lsn')).rows[0].lsn;
  let walBytes = 0;
  try {
    await Promise.all([once(baseline, 'message'), waitForApi(api, `http://127.0.0.1:${port}`)]);
    for (let round = 1; round <= rounds; round++) {
      log(
        `ingest round ${round}/${rounds}: baseline node:http + pg, one INSERT per request (${duration} s, 50 connections)`,
      );
      runs.baseline.push(
        await load(`http://127.0.0.1:${basePort}/`, { 'content-type': 'application/json' }, duration),
      );
      log(
        `ingest round ${round}/${rounds}: POST /v1/touchpoints, ${processes} api process(es) (${duration} s, 50 connections)`,
      );
      const before = await walLsn();
      runs.api.push(
        await load(
          `http://127.0.0.1:${port}/v1/touchpoints`,
          { 'content-type': 'application/json', 'x-api-key': KEY },
          duration,
        ),
      );
      const { rows } = await sql.query('SELECT pg_wal_lsn_diff($1, $2)::float8 AS bytes', [
        await walLsn(),
        before,
      ]);
      walBytes += rows[0].bytes;
    }
    const errors = (list) => list.reduce((sum, result) => sum + result.errors + result.non2xx, 0);
    const rps = (list) => median(list.map((result) => result.requests.average));
    const p99 = (list) => median(list.map((result) => result.latency.p99));
    return {
      processes,
      rounds,
      rps: Math.round(rps(runs.api)),
      baseline_rps: Math.round(rps(runs.baseline)),
      ratio: +(rps(runs.api) / rps(runs.baseline)).toFixed(2),
      p50_ms: median(runs.api.map((result) => result.latency.p50)),
      p99_ms: p99(runs.api),
      baseline_p99_ms: p99(runs.baseline),
      errors: errors(runs.api),
      baseline_errors: errors(runs.baseline),
      runs: runs.api.map((result, i) => ({
        rps: Math.round(result.requests.average),
        p99_ms: result.latency.p99,
        baseline_rps: Math.round(runs.baseline[i].requests.average),
        baseline_p99_ms: runs.baseline[i].latency.p99,
      })),
      wal_bytes_per_touchpoint: Math.round(
        walBytes / runs.api.reduce((sum, result) => sum + result.requests.total, 0),
      ),
      rss_mb: peakRssMb(api.child.pid),
    };
  } finally {
    await sql.end().catch(() => undefined);
    const exited = once(baseline, 'exit');
    baseline.kill();
    await exited;
    await stopService(api);
  }
}

module.exports = { benchIngest };
