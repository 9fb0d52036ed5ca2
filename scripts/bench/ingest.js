// Ingest figure of `npm run bench`: POST /v1/touchpoints with autocannon (50 connections) against a bare
// node:http + pg server doing one INSERT per request into the same table shape, both in the same run.
'use strict';
const { fork } = require('node:child_process');
const { once } = require('node:events');
const path = require('node:path');
const autocannon = require('autocannon');
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

/** Runs the baseline, then the api, each for `duration` seconds, on the same (migrated) database. */
async function benchIngest({
  databaseUrl,
  redisUrl,
  queuePrefix,
  root,
  duration = 15,
  log = () => undefined,
}) {
  log(`ingest baseline: node:http + pg, one INSERT per request (${duration} s, 50 connections)`);
  const basePort = await freePort();
  const baseline = fork(path.join(__dirname, 'baseline-server.js'), {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(basePort) },
  });
  let base;
  try {
    await once(baseline, 'message');
    base = await load(`http://127.0.0.1:${basePort}/`, { 'content-type': 'application/json' }, duration);
  } finally {
    const exited = once(baseline, 'exit');
    baseline.kill();
    await exited;
  }

  log(`ingest: POST /v1/touchpoints (${duration} s, 50 connections)`);
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
  });
  try {
    await waitForApi(api, `http://127.0.0.1:${port}`);
    const ours = await load(
      `http://127.0.0.1:${port}/v1/touchpoints`,
      { 'content-type': 'application/json', 'x-api-key': KEY },
      duration,
    );
    const errors = (result) => result.errors + result.non2xx;
    return {
      rps: Math.round(ours.requests.average),
      baseline_rps: Math.round(base.requests.average),
      ratio: +(ours.requests.average / base.requests.average).toFixed(2),
      p50_ms: ours.latency.p50,
      p99_ms: ours.latency.p99,
      baseline_p99_ms: base.latency.p99,
      errors: errors(ours),
      baseline_errors: errors(base),
      rss_mb: peakRssMb(api.child.pid),
    };
  } finally {
    await stopService(api);
  }
}

module.exports = { benchIngest };
