#!/usr/bin/env node
// Pipeline benchmark: signed HubSpot deal stage changes (batches of 100 per delivery, as HubSpot sends them)
// → api → worker (relay, join via crm_links, dispatch) → local fakes of all four ad platforms (Meta's Graph,
// Google's Data Manager, TikTok, LinkedIn, each on its own dispatch queue), in three phases over the same
// deals: qualifiedtobuy changes in deliveries posted one after another (throughput: events/s), closedwon
// changes paced at 2,000 events/s and appointmentscheduled changes (a STAGE_MAP_FILE rule → `Schedule`) paced
// at 500 events/s (latency: receipt → platform request p50/p95), per platform; the headline figures stay
// Meta's. Baseline:
// BullMQ's own no-op job throughput on the same Redis in the same run. Also peak RSS of api and worker.
// Run by `npm run bench` (`-- --only pipeline`).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client } = require('pg');
const { benchBullmqNoop } = require('./bullmq-baseline.js');
const {
  CLICK_IDS,
  PLATFORMS,
  dispatchStatuses,
  requestFigures,
  startDestinations,
  waitForDestinations,
  waitForSettled,
} = require('./pipeline-destinations.js');
const { loadRows, matchKeyCoverage, postgresCpu, postgresCpuUsed, report } = require('./pipeline-report.js');
const {
  DEAL_BASE,
  INGEST_KEY,
  PER_DELIVERY,
  clickIdCounts,
  deliveryBody,
  inPool,
  paced,
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

const HUBSPOT_SECRET = 'hubspot-client-secret-for-bench';
const WAIT_MS = 5 * 60_000;
/** The throughput target: the first latency phase sends at this rate. */
const PACED_EVENTS_PER_S = 2_000;
/** The second latency phase: a moderate rate, where the target is p95 ≤ 1 s. */
const MODERATE_EVENTS_PER_S = 500;
/** At most this many changes in the 500/s phase (10 s of traffic). */
const MODERATE_EVENTS = 5_000;
/** The third phase's stage, mapped by the run's STAGE_MAP_FILE (the defaults map only the first two). */
const SCHEDULE_RULE = {
  objectType: 'deal',
  stageField: 'dealstage',
  stage: 'appointmentscheduled',
  eventName: 'Schedule',
};
const STALL_MS = 60_000;
/** How long a phase waits, once every platform has every event, for queued rows' retries to finish. */
const SETTLE_MS = 30_000;

/** `platforms`: the destinations configured for the run (Meta always: the headline figures are its). */
async function benchPipeline({
  databaseUrl,
  redisUrl,
  queuePrefix,
  log = () => {},
  events = 10_000,
  root,
  platforms = PLATFORMS,
}) {
  if (!platforms.includes('meta') || platforms.some((platform) => !PLATFORMS.includes(platform)))
    throw new Error(`platforms must include meta and be among ${PLATFORMS.join(', ')}`);
  if (!queuePrefix || queuePrefix === 'bull') throw new Error('give the benchmark its own QUEUE_PREFIX');
  const { signHubspotV3 } = require(path.join(root, 'dist/libs/crm-testing/src/hubspot/sign.js'));

  // The baseline runs before and after the pipeline and the best run counts: on a shared machine, load
  // that comes and goes during the run then weighs on both sides alike (os.loadavg() is reported too).
  const load = [os.loadavg()[0]];
  const noop = () => benchBullmqNoop({ root, redisUrl, prefix: `${queuePrefix}_noop`, jobs: events });
  log(`pipeline baseline: BullMQ no-op jobs (${events}, addBulk of ${PER_DELIVERY}, concurrency 50 and 100)`);
  const before = await noop();

  const services = [];
  const stageMapFile = path.join(os.tmpdir(), `${queuePrefix}-stage-map.json`);
  const sql = new Client({ connectionString: databaseUrl });
  let destinations;
  try {
    await sql.connect();
    destinations = await startDestinations(platforms);
    const { fakes } = destinations;
    fs.writeFileSync(stageMapFile, JSON.stringify({ hubspot: [SCHEDULE_RULE] }));
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
      // The limit still runs (its Redis round trip is part of the figure) but never refuses the load.
      INGEST_RATE_PER_KEY_PER_MINUTE: '1000000000',
      HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET,
      STAGE_MAP_FILE: stageMapFile,
      ...destinations.env,
    };
    const api = spawnService(root, 'api', env);
    services.push(api);
    const worker = spawnService(root, 'worker', env);
    services.push(worker);
    await Promise.all([waitForApi(api, apiUrl), waitForWorker(worker, redisUrl, queuePrefix)]);

    log(
      `pipeline: seeding ${events} journeys (touchpoint with click ids + form with email and HubSpot deal id)`,
    );
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
    const uri = `${apiUrl}/webhooks/hubspot`;
    const occurredAt = Date.now() - 60_000;
    const cpuAt = () => ({ api: cpuSeconds(api.child.pid), worker: cpuSeconds(worker.child.pid) });
    const cpuBefore = cpuAt();
    const postgresBefore = await postgresCpu(sql);

    /**
     * Sends the deals' changes to `stage` (`count` of them, in deliveries posted one after another, or paced at
     * `perSecond`), waits until every platform has `total` events in all.
     */
    const phase = async ({ stage, eventName, perSecond, total, count = events }) => {
      const batches = deliveries.slice(0, Math.ceil(count / PER_DELIVERY));
      const receipts = new Map();
      const send = async (ids, n) => {
        const body = deliveryBody(ids, occurredAt, n, stage);
        // Signed just before sending: HubSpot's v3 timestamp must be under 5 minutes old.
        await post(uri, body, signHubspotV3({ uri, rawBody: body, clientSecret: HUBSPOT_SECRET }));
        const at = Date.now();
        for (const id of ids) receipts.set(id, at);
      };
      const started = Date.now();
      if (perSecond) await paced(batches, perSecond / PER_DELIVERY, send);
      else await inPool(batches, 1, send);
      log(`pipeline: ${stage} deliveries accepted in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      const waiting = { services, sql, waitMs: WAIT_MS, stallMs: STALL_MS };
      await waitForDestinations(fakes, platforms, total, waiting);
      const unsettled = await waitForSettled(sql, SETTLE_MS);
      if (unsettled)
        log(`pipeline: ${unsettled} dispatches still queued ${SETTLE_MS / 1000} s after the last event`);
      await sleep(500); // let late duplicates (if any) arrive before counting them
      const rows = await loadRows(sql);
      const figures = {};
      for (const platform of platforms) {
        const fake = fakes[platform];
        const result = report({ rows, platform, receipts, fake, started, eventName });
        if (result.unmatched)
          throw new Error(`${result.unmatched} event ids at ${platform} match no dispatches row of this run`);
        const seconds = (result.last_arrival - started) / 1000;
        figures[platform] = { ...result, events_per_s: Math.round(count / seconds) };
      }
      return figures;
    };

    // Throughput: deliveries posted one after another, each as soon as the previous one was answered (as
    // HubSpot sends a backlog from one portal), so the figure is the pipeline's, not a queue filled at once.
    log(
      `pipeline: ${deliveries.length} signed HubSpot deliveries of ≤ ${PER_DELIVERY} changes, one after another`,
    );
    const sequential = await phase({ stage: 'qualifiedtobuy', eventName: 'QualifiedLead', total: events });
    // Latency: the same deals closing, sent at the target rate, so the p95 is the pipeline's own delay
    // rather than time spent queued behind a backlog.
    log(`pipeline: the same deals won, paced at ${PACED_EVENTS_PER_S} events/s`);
    const steady = await phase({
      stage: 'closedwon',
      eventName: 'DealWon',
      perSecond: PACED_EVENTS_PER_S,
      total: 2 * events,
    });
    const moderate = Math.min(events, MODERATE_EVENTS);
    log(`pipeline: ${moderate} of the deals' appointments, paced at ${MODERATE_EVENTS_PER_S} events/s`);
    const gentle = await phase({
      stage: SCHEDULE_RULE.stage,
      eventName: SCHEDULE_RULE.eventName,
      perSecond: MODERATE_EVENTS_PER_S,
      total: 2 * events + moderate,
      count: moderate,
    });
    const { COVERAGE_KEYS } = require(path.join(root, 'dist/libs/destinations/src/linked-journeys.js'));
    const coverage = await matchKeyCoverage(sql, [...COVERAGE_KEYS]);
    // Read before stopping: VmHWM is the peak over seeding and both phases.
    const rss_mb = { api: peakRssMb(api.child.pid), worker: peakRssMb(worker.child.pid) };
    const cpuAfter = cpuAt();
    const postgresAfter = await postgresCpu(sql);
    // CPU seconds each service used in the timed part: says which process (if any) was the bottleneck.
    const cpu_s = {
      api: +(cpuAfter.api - cpuBefore.api).toFixed(1),
      worker: +(cpuAfter.worker - cpuBefore.worker).toFixed(1),
      postgres: postgresCpuUsed(postgresBefore, postgresAfter),
    };
    const statuses = await dispatchStatuses(sql);
    const redis_bytes_per_job = await jobMemory(root, redisUrl, queuePrefix).catch(() => undefined);
    const requests = await requestFigures(sql);
    const perDestination = Object.fromEntries(
      platforms.map((platform) => {
        const fake = fakes[platform];
        const figures = {
          received: fake.distinct(),
          events_per_s: sequential[platform].events_per_s,
          ...steady[platform].latency,
          sequential_p95_ms: sequential[platform].latency.p95_ms,
          p50_ms_at_500: gentle[platform].latency.p50_ms,
          p95_ms_at_500: gentle[platform].latency.p95_ms,
          duplicates:
            sequential[platform].duplicates + steady[platform].duplicates + gentle[platform].duplicates,
          click_id: CLICK_IDS[platform],
          // Graph's fake does not look into user_data: Meta's keys are in the match-key coverage line.
          clicked: platform === 'meta' ? undefined : fake.stats.clicked,
          clicked_expected:
            platform === 'meta'
              ? undefined
              : 2 * clickIdCounts(events)[CLICK_IDS[platform]] + clickIdCounts(moderate)[CLICK_IDS[platform]],
          refused: fake.stats.refused,
          ...requests[platform],
          statuses: statuses[platform] ?? {},
        };
        return [platform, figures];
      }),
    );
    const [meta, graph] = [
      { sequential: sequential.meta, steady: steady.meta, gentle: gentle.meta },
      fakes.meta,
    ];
    const events_per_s = meta.sequential.events_per_s;
    await Promise.all(services.map((service) => stopService(service)));
    load.push(os.loadavg()[0]);
    log('pipeline baseline: again, after the pipeline');
    const after = await noop();
    const baseline = [before, after].reduce((a, b) => (b.jobs_per_s > a.jobs_per_s ? b : a));
    return {
      events,
      events_per_s,
      sequential_events_per_s: events_per_s,
      ...meta.steady.latency,
      p50_ms_at_500: meta.gentle.latency.p50_ms,
      p95_ms_at_500: meta.gentle.latency.p95_ms,
      moderate_events: moderate,
      moderate_achieved_events_per_s: meta.gentle.events_per_s,
      paced_events_per_s: PACED_EVENTS_PER_S,
      paced_achieved_events_per_s: meta.steady.events_per_s,
      sequential_latency: meta.sequential.latency,
      graph_requests: graph.stats.requests,
      graph_refused: graph.stats.refused,
      events_per_request: +(graph.stats.events / graph.stats.requests).toFixed(1),
      duplicates: meta.sequential.duplicates + meta.steady.duplicates + meta.gentle.duplicates,
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
      statuses: {
        sequential: meta.sequential.statuses,
        paced: meta.steady.statuses,
        at_500: meta.gentle.statuses,
      },
      destinations: perDestination,
      coverage,
      stages: { sequential: meta.sequential.stages, paced: meta.steady.stages, at_500: meta.gentle.stages },
      stage_done_s: meta.sequential.stage_done_s,
      load_avg_1m: load.map((value) => +value.toFixed(1)),
      redis_bytes_per_job,
      worker_errors: worker.errors(),
    };
  } finally {
    await Promise.all(services.map((service) => stopService(service)));
    await destinations?.stop();
    fs.rmSync(stageMapFile, { force: true });
    await sql.end().catch(() => undefined);
    await dropQueues(root, redisUrl, queuePrefix).catch((error) =>
      log(`pipeline: queues kept: ${error.message}`),
    );
  }
}

/**
 * Redis memory a completed job keeps (MEMORY USAGE of its hash, averaged over up to 50 per queue), per queue:
 * completed jobs stay a day (up to 100,000 per queue), so this sizes Redis (docs/scaling.md).
 */
async function jobMemory(root, redisUrl, prefix) {
  const { Queue } = require('bullmq');
  const Redis = require('ioredis');
  const { DISPATCH_QUEUES, LIFECYCLE_QUEUE } = require(
    path.join(root, 'dist/libs/queues/src/queue-names.js'),
  );
  const redis = new Redis(redisUrl);
  const sizes = {};
  try {
    for (const name of [LIFECYCLE_QUEUE, DISPATCH_QUEUES.meta]) {
      const queue = new Queue(name, { connection: { url: redisUrl }, prefix });
      try {
        const jobs = await queue.getJobs(['completed'], 0, 49);
        const bytes = await Promise.all(
          jobs.map((job) => redis.call('MEMORY', 'USAGE', `${prefix}:${name}:${job.id}`)),
        );
        if (bytes.length) sizes[name] = Math.round(bytes.reduce((a, b) => a + Number(b), 0) / bytes.length);
      } finally {
        await queue.close();
      }
    }
  } finally {
    redis.disconnect();
  }
  return sizes;
}

/** The run's lifecycle and dispatch jobs (kept a day by the job options) go with the run. */
async function dropQueues(root, redisUrl, prefix) {
  const { Queue } = require('bullmq');
  const { DISPATCH_QUEUES, LIFECYCLE_QUEUE } = require(
    path.join(root, 'dist/libs/queues/src/queue-names.js'),
  );
  for (const name of [LIFECYCLE_QUEUE, ...Object.values(DISPATCH_QUEUES)]) {
    const queue = new Queue(name, { connection: { url: redisUrl }, prefix });
    await queue.obliterate({ force: true }).finally(() => queue.close());
  }
}

module.exports = { benchPipeline };
