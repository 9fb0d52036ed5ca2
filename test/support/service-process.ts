// Starts the built api and worker (dist/) as real child processes for end-to-end tests.
import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM, then SIGKILL after `killAfterMs` (10 s); resolves with how the process ended. */
  stop(killAfterMs?: number): Promise<Exit>;
}

/** Nest re-raises SIGTERM after its shutdown hooks ran, so a clean stop ends with signal SIGTERM (or code 0). */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export const isCleanStop = (exit: Exit) =>
  exit.code === 0 || (exit.code === null && exit.signal === 'SIGTERM');

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}

function run(entry: string, env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [join(ROOT, entry)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { child, output: () => text };
}

async function stopChild(child: ChildProcess, killAfterMs = 10_000): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null)
    return { code: child.exitCode, signal: child.signalCode };
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const [code, signal] = (await exited) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code, signal };
}

/** Starts the api on a free port and waits until /health answers. */
export async function startApi(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const { child, output } = run('dist/apps/api/src/main.js', {
    HOST: '127.0.0.1',
    PORT: String(port),
    // One process, as before node:cluster, unless a test asks for more.
    API_PROCESSES: '1',
    ...env,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`api exited (${child.exitCode}):\n${output()}`);
    try {
      if ((await fetch(`${url}/health`)).ok)
        return { url, child, output, stop: (killAfterMs) => stopChild(child, killAfterMs) };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopChild(child);
  throw new Error(`api did not become healthy:\n${output()}`);
}

/** Starts the worker; `ready` says when it has reported itself started. */
export function startWorker(env: Record<string, string>): ServiceProcess & { ready: Promise<void> } {
  // Port 0: workers of parallel suites never compete for the default metrics port.
  const { child, output } = run('dist/apps/worker/src/main.js', {
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    WORKER_METRICS_PORT: '0',
    ...env,
  });
  const ready = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (output().includes('worker started')) return resolve();
      if (child.exitCode !== null)
        return reject(new Error(`worker exited (${child.exitCode}):\n${output()}`));
      setTimeout(check, 100);
    };
    check();
  });
  return { url: '', child, output, ready, stop: (killAfterMs) => stopChild(child, killAfterMs) };
}

/** Runs a service entry point to completion (for start-up failures); resolves with code and output. */
export async function runToExit(
  entry: 'api' | 'worker',
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const { child, output } = run(`dist/apps/${entry}/src/main.js`, {
    API_PROCESSES: '1',
    WORKER_METRICS_PORT: '0',
    ...env,
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output: output() };
}
