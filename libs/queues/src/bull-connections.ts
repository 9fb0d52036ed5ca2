import type { OnApplicationShutdown } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { Cluster } from 'ioredis';
import { bullConnection, RedisTarget } from './redis-client';
import type { RedisUse } from './redis-connection';

/** How long the shared cluster clients wait for the queues to close before they are cut. */
const CLOSE_WAIT_MS = 5000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * BullMQ's connections for one app. On one server they are options (BullMQ opens and closes its own
 * connections). On a cluster they are ioredis Cluster instances, one per use, shared by the queues (workers
 * duplicate them); BullMQ never closes a client it was given, so this does, once every queue has closed.
 */
export class BullConnections implements OnApplicationShutdown {
  private readonly clusters = new Map<RedisUse, Cluster>();
  private readonly queues: Queue[] = [];

  constructor(private readonly target: RedisTarget) {}

  connection(use: RedisUse): ReturnType<typeof bullConnection> {
    if (!this.target.redisClusterNodes) return bullConnection(this.target, use);
    let cluster = this.clusters.get(use);
    if (!cluster) {
      cluster = bullConnection(this.target, use) as Cluster;
      // Without a listener an 'error' event would crash the process; the queues report outages themselves.
      cluster.on('error', () => undefined);
      this.clusters.set(use, cluster);
    }
    return cluster;
  }

  /** Queues whose close the shared clients wait for (the app's own and @nestjs/bullmq's). */
  track(...queues: Queue[]): void {
    this.queues.push(...queues);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.clusters.size) return;
    // @nestjs/bullmq's queues (after their workers) close in modules Nest shuts down before this one, and the
    // producers' own queues just before it (they depend on it: dependents go first). Waited for, within a bound.
    const deadline = Date.now() + CLOSE_WAIT_MS;
    while (Date.now() < deadline && !this.queues.every((queue) => queue.closing)) await sleep(20);
    await Promise.race([
      Promise.allSettled(this.queues.map((queue) => queue.closing)),
      sleep(Math.max(0, deadline - Date.now())),
    ]);
    await Promise.all(
      [...this.clusters.values()].map(async (cluster) => {
        // QUIT waits for replies; an unreachable cluster is cut instead.
        const quit = await Promise.race([
          cluster.quit().then(
            () => true,
            () => false,
          ),
          sleep(1000).then(() => false),
        ]);
        if (!quit) cluster.disconnect();
      }),
    );
  }
}
