// A private three-master Redis Cluster on loopback ports, for tests that run the services on a cluster.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './service-process';

const run = promisify(execFile);

export interface PrivateRedisCluster {
  /** The masters' ports. */
  ports: number[];
  /** REDIS_CLUSTER_NODES for the services. */
  nodes: string;
  /** One redis-cli command against one node (no -c: answers that node's own keys). */
  cli(port: number, ...args: string[]): Promise<string>;
  /** SIGKILLs every node (an outage); `restart` brings them back, empty, with their slots (nodes.conf). */
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Two distinct free ports per node: the client port and the cluster bus port (`cluster-port`). */
async function distinctPorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/**
 * Starts three `redis-server --cluster-enabled yes` in a temporary directory, joins them with
 * `redis-cli --cluster create` (no replicas) and waits for `cluster_state:ok` on each.
 */
export async function startRedisCluster(masters = 3): Promise<PrivateRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'journey-redis-cluster-'));
  const allPorts = await distinctPorts(masters * 2);
  const ports = allPorts.slice(0, masters);
  const spawnNode = (port: number, i: number) =>
    spawn(
      'redis-server',
      [
        ...['--port', String(port), '--cluster-port', String(allPorts[masters + i]), '--bind', '127.0.0.1'],
        ...['--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`)],
        ...['--cluster-node-timeout', '2000', '--save', '', '--appendonly', 'no'],
        ...['--maxmemory-policy', 'noeviction', '--daemonize', 'no', '--dir', dir],
      ],
      { stdio: 'ignore' },
    );
  let children: ChildProcess[] = ports.map(spawnNode);
  const cli = async (port: number, ...args: string[]) =>
    (await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args])).stdout.trim();
  const kill = async () => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }),
    );
  };
  const stop = async () => {
    await kill();
    rmSync(dir, { recursive: true, force: true });
  };
  const clusterOk = () =>
    waitFor(
      async () =>
        (await Promise.all(ports.map((port) => cli(port, 'CLUSTER', 'INFO')))).every((info) =>
          info.includes('cluster_state:ok'),
        ),
      'cluster_state:ok on every node',
    );
  const answering = () =>
    waitFor(
      async () => (await Promise.all(ports.map((port) => cli(port, 'PING')))).every((r) => r === 'PONG'),
      'nodes to start',
    );
  try {
    await answering();
    await run('redis-cli', [
      ...['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`)],
      ...['--cluster-replicas', '0', '--cluster-yes'],
    ]);
    await clusterOk();
  } catch (error) {
    await stop();
    throw error;
  }
  const restart = async () => {
    await kill();
    children = ports.map(spawnNode);
    await answering();
    await clusterOk();
  };
  return { ports, nodes: ports.map((port) => `127.0.0.1:${port}`).join(','), cli, kill, restart, stop };
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`Redis Cluster: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
