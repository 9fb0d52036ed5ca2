// Starts the built api and worker (dist/) as child processes for the benchmarks, waits until they are ready,
// reads their peak RSS and stops them. Plain CommonJS so `npm run bench` needs no TypeScript.
'use strict';
const { spawn } = require('node:child_process');
const { once } = require('node:events');
const fs = require('node:fs');
const { createServer } = require('node:net');
const { hostname } = require('node:os');
const path = require('node:path');
const Redis = require('ioredis');

const OUTPUT_KEPT = 20_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

/**
 * Spawns `dist/apps/<name>/src/main.js` with exactly `env` (plus PATH and API_PROCESSES): nothing else leaks in
 * from the caller's shell, so e.g. a HUBSPOT_ACCESS_TOKEN there cannot switch on API joins. Keeps the last output for errors.
 */
function spawnService(root, name, env) {
  const entry = path.join(root, `dist/apps/${name}/src/main.js`);
  if (!fs.existsSync(entry)) throw new Error(`${entry} missing: run \`npm run build\` first`);
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    // One api process unless the caller's API_PROCESSES asks for a cluster (peak RSS then reads the primary
    // only); workers on any free metrics port.
    env: {
      PATH: process.env.PATH ?? '',
      API_PROCESSES: process.env.API_PROCESSES ?? '1',
      WORKER_METRICS_PORT: '0',
      // The heap cap the Dockerfile and `npm run start:*` give the services (their RSS is one of the figures).
      NODE_OPTIONS: process.env.BENCH_NODE_OPTIONS ?? '--max-old-space-size=192',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  const keep = (chunk) => (text = (text + chunk.toString()).slice(-OUTPUT_KEPT));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // Errors the service logged, counted by message over the whole run (the kept output is only its tail): an
  // error a run survives (a retried deadlock) still explains figures such as duplicates.
  const errors = {};
  let partial = '';
  child.stdout.on('data', (chunk) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('"level":50') && !line.includes('"level":60')) continue;
      try {
        const { msg } = JSON.parse(line);
        errors[msg] = (errors[msg] ?? 0) + 1;
      } catch {
        // not a log record
      }
    }
  });
  const service = {
    name,
    child,
    output: () => text,
    /** Error (and fatal) log records so far: message → count. */
    errors: () => ({ ...errors }),
    /** Throws (with the process's last output) once it has exited: a crashed service voids the figures. */
    assertAlive() {
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `${name} exited (${child.exitCode ?? child.signalCode}):\n${text.slice(-3000) || '(no output)'}`,
        );
    },
  };
  return service;
}

async function waitUntil(service, check, what, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    service.assertAlive();
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${service.name}: ${what} not seen:\n${service.output()}`);
    await sleep(100);
  }
}

const waitForApi = (service, url) =>
  waitUntil(service, async () => (await fetch(`${url}/health`)).ok, 'GET /health 200');

/**
 * The worker's readiness is its heartbeat key `<prefix>:workers:<host>:<pid>`, written when Nest has
 * bootstrapped (the same moment it logs "worker started", which LOG_LEVEL=warn hides).
 */
async function waitForWorker(service, redisUrl, queuePrefix) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  const key = `${queuePrefix}:workers:${hostname()}:${service.child.pid}`;
  try {
    await waitUntil(service, async () => (await redis.exists(key)) === 1, `heartbeat ${key}`);
  } finally {
    redis.disconnect();
  }
}

/** Peak resident set (VmHWM) in MB, as the kernel counted it since the process started. */
function peakRssMb(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** CPU time (user + system) the process has used so far, in seconds (Linux clock ticks are 1/100 s). */
function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** SIGTERM (Nest runs its shutdown hooks), SIGKILL after `graceMs`; resolves once the process is gone. */
async function stopService(service, graceMs = 5_000) {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

module.exports = {
  cpuSeconds,
  freePort,
  spawnService,
  waitForApi,
  waitForWorker,
  peakRssMb,
  stopService,
  sleep,
};
