// The pipeline benchmark's baseline: how fast BullMQ alone moves no-op jobs through the same Redis. Jobs are
// added like the lifecycle relay adds them (addBulk of 100, awaited one after the other, a job id per
// job, the project's job options) while one Worker with a no-op processor drains them, in one process.
// Runs in its own child process, so its peak RSS is a "bare Node + BullMQ" figure and nothing in the
// benchmark process (fake Graph, HTTP clients) competes with it on the event loop.
'use strict';
const { fork } = require('node:child_process');
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const CHUNK = 100;
const TIMEOUT_MS = 180_000;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];

/** One run: `jobs` no-op jobs at `concurrency`; jobs/s from the first add to the last completion. */
async function runOnce({ redisUrl, prefix, jobs, concurrency, jobOptions }) {
  const { Queue, Worker } = require('bullmq');
  const connection = { url: redisUrl };
  const name = `noop-c${concurrency}`;
  const queue = new Queue(name, { connection, prefix, defaultJobOptions: jobOptions });
  const addedAt = new Float64Array(jobs);
  const latencies = new Float64Array(jobs);
  let done = 0;
  let finish;
  const finished = new Promise((resolve, reject) => (finish = { resolve, reject }));
  const worker = new Worker(name, async () => undefined, { connection, prefix, concurrency });
  worker.on('completed', (job) => {
    const now = performance.now();
    latencies[done++] = now - addedAt[job.data.i];
    if (done === jobs) finish.resolve(now);
  });
  worker.on('failed', (job, error) => finish.reject(new Error(`no-op job failed: ${error.message}`)));
  const timer = setTimeout(
    () => finish.reject(new Error(`only ${done}/${jobs} no-op jobs done`)),
    TIMEOUT_MS,
  );
  try {
    await Promise.all([queue.waitUntilReady(), worker.waitUntilReady()]);
    const started = performance.now();
    for (let first = 0; first < jobs; first += CHUNK) {
      const at = performance.now();
      const batch = [];
      for (let i = first; i < Math.min(jobs, first + CHUNK); i++) {
        addedAt[i] = at;
        // Same shape as a lifecycle job: a row id as data, `<row id>-<enqueue count>` as job id.
        const id = randomUUID();
        batch.push({ name: 'noop', data: { i, lifecycleEventId: id }, opts: { jobId: `${id}-1` } });
      }
      await queue.addBulk(batch);
    }
    const last = await finished;
    const sorted = Array.from(latencies).sort((a, b) => a - b);
    return {
      concurrency,
      jobs_per_s: Math.round(jobs / ((last - started) / 1000)),
      p50_ms: Math.round(percentile(sorted, 0.5)),
      p95_ms: Math.round(percentile(sorted, 0.95)),
    };
  } finally {
    clearTimeout(timer);
    await worker.close(true);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

/**
 * Forks this file, runs `jobs` no-op jobs at each concurrency (50 and 100 by default: BullMQ's best setting
 * depends on the machine) and returns the better run plus every run, and the child's peak RSS.
 */
function benchBullmqNoop({ root, redisUrl, prefix, jobs, concurrencies = [50, 100] }) {
  const { DEFAULT_JOB_OPTIONS } = require(path.join(root, 'dist/libs/queues/src/queue-names.js'));
  const child = fork(__filename, ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS * concurrencies.length + 30_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      if (message.error) return reject(new Error(`BullMQ baseline: ${message.error}`));
      const best = message.runs.reduce((a, b) => (b.jobs_per_s > a.jobs_per_s ? b : a));
      resolve({ ...best, runs: message.runs, rss_mb: message.rss_mb });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`BullMQ baseline process ended (${code ?? signal}) without a result`));
    });
    child.send({ redisUrl, prefix, jobs, concurrencies, jobOptions: DEFAULT_JOB_OPTIONS });
  });
}

if (process.argv.includes('--child')) {
  process.once('message', async ({ concurrencies, ...options }) => {
    try {
      const runs = [];
      for (const concurrency of concurrencies) runs.push(await runOnce({ ...options, concurrency }));
      const status = fs.readFileSync('/proc/self/status', 'utf8');
      const rss_mb = Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
      process.send({ runs, rss_mb }, () => process.exit(0));
    } catch (error) {
      process.send({ error: String(error?.stack ?? error) }, () => process.exit(1));
    }
  });
}

module.exports = { benchBullmqNoop };
