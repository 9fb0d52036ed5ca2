#!/usr/bin/env node
// Pipeline benchmark: `events` signed HubSpot deal stage changes (closedwon, batches of 100 per delivery as
// HubSpot sends them) → api → worker (relay, join via crm_links, dispatch) → a local fake Graph API.
// Figures: events/s and receipt → Graph latency, against BullMQ's own no-op job throughput on the same
// Redis in the same run; peak RSS of api and worker. Exports benchPipeline for `npm run bench`; on its own:
//   node scripts/bench/pipeline.js --standalone [--events N]   (creates, migrates and drops its database)
'use strict';
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { benchBullmqNoop } = require('./bullmq-baseline.js');
const { startFakeGraph } = require('./fake-graph.js');
const { loadRows, postgresCpu, postgresCpuUsed, report, stuckCounts } = require('./pipeline-report.js');
const {
  DEAL_BASE,
  INGEST_KEY,
  PER_DELIVERY,
  deliveryBody,
  inPool,
  post,
  seed,
} = require('./pipeline-traffic.js');
const {
  cpuSeconds,
  freePort,
  peakRssMb,
  sleep,
  spawnService,
  stopService,
  waitForApi,
  waitForWorker,
} = require('./services.js');

const PIXEL_ID = '1234567890123';
const META_TOKEN = 'EAAB-bench-access-token';
const HUBSPOT_SECRET = 'hubspot-client-secret-for-bench';
const WAIT_MS = 5 * 60_000;
const STALL_MS = 60_000;

/** Waits until Graph has every event, failing early when nothing arrives for STALL_MS or a service died. */
async function waitForGraph(graph, events, services, sql) {
  const deadline = Date.now() + WAIT_MS;
  let seen = -1;
  let progressAt = Date.now();
  while (graph.distinct() < events) {
    for (const service of services) service.assertAlive();
    if (graph.distinct() !== seen) [seen, progressAt] = [graph.distinct(), Date.now()];
    if (Date.now() > deadline || Date.now() - progressAt > STALL_MS) {
      const stuck = JSON.stringify(await stuckCounts(sql));
      throw new Error(`only ${seen}/${events} events reached Graph; statuses: ${stuck}`);
    }
    await sleep(20);
  }
}

async function benchPipeline({ databaseUrl, redisUrl, queuePrefix, log = () => {}, events = 10_000, root }) {
  if (!queuePrefix || queuePrefix === 'bull') throw new Error('give the benchmark its own QUEUE_PREFIX');
  const { signHubspotV3 } = require(path.join(root, 'dist/libs/crm/src/hubspot/sign.js'));

  // The baseline runs before and after the pipeline and the best run counts: on a shared machine, load
  // that comes and goes during the run then weighs on both sides alike (os.loadavg() is reported too).
  const load = [os.loadavg()[0]];
  const noop = () => benchBullmqNoop({ root, redisUrl, prefix: `${queuePrefix}_noop`, jobs: events });
  log(`pipeline baseline: BullMQ no-op jobs (${events}, addBulk of ${PER_DELIVERY}, concurrency 50 and 100)`);
  const before = await noop();

  const services = [];
  const sql = new Client({ connectionString: databaseUrl });
  let graph;
  try {
    await sql.connect();
    graph = await startFakeGraph({ accessToken: META_TOKEN, pixelId: PIXEL_ID });
    const port = await freePort();
    const apiUrl = `http://127.0.0.1:${port}`;
    const env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: queuePrefix,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      INGEST_API_KEY: INGEST_KEY,
      HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET,
      META_PIXEL_ID: PIXEL_ID,
      META_ACCESS_TOKEN: META_TOKEN,
      META_GRAPH_URL: graph.url,
    };
    const api = spawnService(root, 'api', env);
    services.push(api);
    const worker = spawnService(root, 'worker', env);
    services.push(worker);
    await Promise.all([waitForApi(api, apiUrl), waitForWorker(worker, redisUrl, queuePrefix)]);

    log(`pipeline: seeding ${events} journeys (touchpoint + form with a HubSpot deal id, 50 in flight)`);
    const seedStarted = Date.now();
    await seed(apiUrl, events);
    // A database in service has planner statistics (autovacuum); one filled a second ago has none, and
    // without them Postgres seq-scans identities in the worker's journey query for every event (7.6 ms
    // instead of 0.1 ms at 10,000 rows), so the figures would depend on whether autovacuum got there first.
    await sql.query('ANALYZE');
    const seed_s = +((Date.now() - seedStarted) / 1000).toFixed(1);
    log(`pipeline: seeded in ${seed_s} s`);

    const dealIds = Array.from({ length: events }, (_, i) => String(DEAL_BASE + i));
    const deliveries = Array.from({ length: Math.ceil(events / PER_DELIVERY) }, (_, n) =>
      dealIds.slice(n * PER_DELIVERY, (n + 1) * PER_DELIVERY),
    );
    log(
      `pipeline: ${deliveries.length} signed HubSpot deliveries of ≤ ${PER_DELIVERY} changes, 10 in flight`,
    );
    const uri = `${apiUrl}/webhooks/hubspot`;
    const occurredAt = Date.now() - 60_000;
    const receipts = new Map();
    const cpuAt = () => ({ api: cpuSeconds(api.child.pid), worker: cpuSeconds(worker.child.pid) });
    const cpuBefore = cpuAt();
    const postgresBefore = await postgresCpu(sql);
    const started = Date.now();
    await inPool(deliveries, 10, async (ids, n) => {
      const body = deliveryBody(ids, occurredAt, n);
      // Signed just before sending: HubSpot's v3 timestamp must be under 5 minutes old.
      await post(uri, body, signHubspotV3({ uri, rawBody: body, clientSecret: HUBSPOT_SECRET }));
      const at = Date.now();
      for (const id of ids) receipts.set(id, at);
    });
    log(
      `pipeline: all deliveries accepted in ${((Date.now() - started) / 1000).toFixed(1)} s; waiting for Graph`,
    );
    await waitForGraph(graph, events, services, sql);
    // Read before stopping: VmHWM is the peak over seeding and the timed part.
    const rss_mb = { api: peakRssMb(api.child.pid), worker: peakRssMb(worker.child.pid) };
    const cpuAfter = cpuAt();
    const postgresAfter = await postgresCpu(sql);
    // CPU seconds each service used in the timed part: says which process (if any) was the bottleneck.
    const cpu_s = {
      api: +(cpuAfter.api - cpuBefore.api).toFixed(1),
      worker: +(cpuAfter.worker - cpuBefore.worker).toFixed(1),
      postgres: postgresCpuUsed(postgresBefore, postgresAfter),
    };
    await sleep(500); // let late duplicates (if any) arrive before counting them
    const figures = report({ rows: await loadRows(sql), receipts, graph, started });
    if (figures.unmatched)
      throw new Error(`${figures.unmatched} event_ids at Graph match no capi_events row of this run`);
    const events_per_s = Math.round(events / ((figures.last_at_graph - started) / 1000));
    await Promise.all(services.map((service) => stopService(service)));
    load.push(os.loadavg()[0]);
    log('pipeline baseline: again, after the pipeline');
    const after = await noop();
    const baseline = [before, after].reduce((a, b) => (b.jobs_per_s > a.jobs_per_s ? b : a));
    return {
      events,
      events_per_s,
      ...figures.latency,
      graph_requests: graph.stats.requests,
      graph_refused: graph.stats.refused,
      events_per_request: +(graph.stats.events / graph.stats.requests).toFixed(1),
      duplicates: figures.duplicates,
      baseline_jobs_per_s: baseline.jobs_per_s,
      ratio: +(events_per_s / baseline.jobs_per_s).toFixed(2),
      baseline_p95_ms: baseline.p95_ms,
      baseline_concurrency: baseline.concurrency,
      baseline_runs: [
        ...before.runs.map((run) => ({ phase: 'before', ...run })),
        ...after.runs.map((run) => ({ phase: 'after', ...run })),
      ],
      baseline_rss_mb: Math.max(before.rss_mb, after.rss_mb),
      rss_mb,
      cpu_s,
      seed_s,
      statuses: figures.statuses,
      stages: figures.stages,
      stage_done_s: figures.stage_done_s,
      load_avg_1m: load.map((value) => +value.toFixed(1)),
    };
  } finally {
    await Promise.all(services.map((service) => stopService(service)));
    await graph?.stop();
    await sql.end().catch(() => undefined);
    await dropQueues(redisUrl, queuePrefix).catch((error) => log(`pipeline: queues kept: ${error.message}`));
  }
}

/** The run's lifecycle and dispatch jobs (kept a day by the job options) go with the run. */
async function dropQueues(redisUrl, prefix) {
  const { Queue } = require('bullmq');
  for (const name of ['lifecycle', 'dispatch']) {
    const queue = new Queue(name, { connection: { url: redisUrl }, prefix });
    await queue.obliterate({ force: true }).finally(() => queue.close());
  }
}

module.exports = { benchPipeline };

if (require.main === module && process.argv.includes('--standalone')) {
  require('./pipeline-standalone.js')
    .main(benchPipeline)
    .catch((error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exit(1);
    });
}
