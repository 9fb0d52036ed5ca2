import { getQueueToken } from '@nestjs/bullmq';
import { Inject, Injectable } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { AppConfig, configuredDestinations, DestinationSetting } from '@app/config';
import { ConsoleStatsRepository, DatabaseHealthRepository } from '@app/db';
import { DISPATCH_QUEUES, LIFECYCLE_QUEUE, REDIS } from '@app/queues';
import type { RedisClient } from '@app/queues';
import { WorkerBeat, workerProblem, WorkerPresence } from '../health/worker-presence';

const TIMEOUT_MS = 1000;
const PENDING_AFTER_MS = 60_000;

export interface Check {
  ok: boolean;
  detail: string;
}

export interface QueueHealth {
  name: string;
  counts?: Record<string, number>;
  oldestWaitingMs?: number;
  error?: string;
}

export interface DestinationHealth extends DestinationSetting {
  pause?: { reason: string; pausedAt: Date };
}

export interface ConsoleHealth {
  postgres: Check;
  redis: Check;
  workers: WorkerBeat[] | undefined;
  workerProblem?: string;
  queues: QueueHealth[];
  destinations: DestinationHealth[];
  stalePending: { count: number; oldest: Date | null; why?: string };
  tookMs: number;
}

function timed<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Everything the Health page shows, each part bounded by a timeout so one outage never hangs the page. */
@Injectable()
export class ConsoleHealthService {
  constructor(
    private readonly database: DatabaseHealthRepository,
    private readonly stats: ConsoleStatsRepository,
    private readonly presence: WorkerPresence,
    private readonly modules: ModuleRef,
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: RedisClient,
  ) {}

  async health(): Promise<ConsoleHealth> {
    const started = Date.now();
    const check = (promise: Promise<unknown>, what: string, detail: string): Promise<Check> =>
      timed(promise, what).then(
        () => ({ ok: true, detail }),
        (error: unknown) => ({ ok: false, detail: message(error) }),
      );
    const [postgres, redis, workers, queues, pauses, stale] = await Promise.all([
      check(this.database.ping(), 'Postgres', 'answers'),
      check(this.redis.ping(), 'Redis', 'answers'),
      timed(this.presence.beats(), 'worker heartbeats').catch(() => undefined),
      Promise.all([LIFECYCLE_QUEUE, ...Object.values(DISPATCH_QUEUES)].map((name) => this.queue(name))),
      timed(this.stats.pauses(), 'pauses').catch(() => []),
      timed(this.stats.stalePending(new Date(Date.now() - PENDING_AFTER_MS)), 'pending').catch(() => ({
        count: 0,
        oldest: null,
      })),
    ]);
    return {
      postgres,
      redis,
      workers,
      workerProblem: workerProblem(workers),
      queues,
      destinations: withPauses(configuredDestinations(this.config), pauses),
      stalePending: { ...stale, why: stale.count ? pendingWhy(redis, workerProblem(workers)) : undefined },
      tookMs: Date.now() - started,
    };
  }

  private async queue(name: string): Promise<QueueHealth> {
    const queue = this.modules.get<Queue>(getQueueToken(name), { strict: false });
    try {
      const [counts, oldest] = await timed(
        Promise.all([
          queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
          queue.getJobs(['wait'], 0, 0, true),
        ]),
        `queue ${name}`,
      );
      return { name, counts, oldestWaitingMs: oldest[0] ? Date.now() - oldest[0].timestamp : undefined };
    } catch (error) {
      return { name, error: message(error) };
    }
  }
}

/** Each configured destination with its pause, then pauses of destinations no longer configured. */
function withPauses(
  configured: DestinationSetting[],
  pauses: { platform: string; destination: string; reason: string; pausedAt: Date }[],
): DestinationHealth[] {
  const same = (a: { platform: string; destination: string }, b: { platform: string; destination: string }) =>
    a.platform === b.platform && a.destination === b.destination;
  const pauseOf = (row: { reason: string; pausedAt: Date }) => ({
    reason: row.reason,
    pausedAt: row.pausedAt,
  });
  return [
    ...configured.map((destination) => {
      const pause = pauses.find((row) => same(row, destination));
      return pause ? { ...destination, pause: pauseOf(pause) } : destination;
    }),
    ...pauses
      .filter((row) => !configured.some((destination) => same(row, destination)))
      .map((row) => ({
        platform: row.platform,
        destination: row.destination,
        enabled: false,
        detail: 'not configured now',
        pause: pauseOf(row),
      })),
  ];
}

/** Why lifecycle events sit in `pending` for over a minute: the relay that queues them runs in the worker. */
function pendingWhy(redis: Check, workerProblem: string | undefined): string {
  if (!redis.ok) return `Redis down (${redis.detail}): the relay queues them when it returns`;
  if (workerProblem) return `no worker heartbeat (${workerProblem}): the worker's relay queues them`;
  return 'a worker and Redis are up: the relay should queue them within seconds; check the worker log';
}
