import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { REDIS } from '@app/queues';
import type { RedisClient } from '@app/queues';

/** A worker that has not beaten for this long counts as gone (its key also expires after 3 missed beats). */
export const WORKER_STALE_MS = 30_000;
const MAX_SHOWN = 100;

export interface WorkerBeat {
  /** `<host>:<pid>` of the worker process. */
  id: string;
  at: Date;
  ageMs: number;
}

/**
 * Reads the workers' heartbeats (apps/worker/src/worker-heartbeat.ts) from their sorted set in Redis, one
 * call, for readiness and the console. A worker stopped cleanly removes itself; one killed stays, aging.
 */
@Injectable()
export class WorkerPresence {
  private readonly key: string;

  constructor(
    @Inject(REDIS) private readonly redis: RedisClient,
    config: AppConfig,
  ) {
    this.key = `${config.queuePrefix}:worker-beats`;
  }

  /** The latest beats, freshest first. Rejects when Redis does not answer. */
  async beats(now = Date.now()): Promise<WorkerBeat[]> {
    const flat = await this.redis.zrevrange(this.key, 0, MAX_SHOWN - 1, 'WITHSCORES');
    const beats: WorkerBeat[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      const at = Number(flat[i + 1]);
      beats.push({ id: flat[i], at: new Date(at), ageMs: now - at });
    }
    return beats;
  }

  /** Why the workers look absent, or undefined when one beat within WORKER_STALE_MS. */
  async problem(): Promise<string | undefined> {
    return workerProblem(await this.beats());
  }
}

/** Why no worker counts as alive (undefined beats: Redis did not answer), or undefined when one does. */
export function workerProblem(beats: WorkerBeat[] | undefined): string | undefined {
  if (beats === undefined) return 'worker heartbeats unknown: Redis does not answer';
  const [freshest] = beats;
  if (!freshest) return 'no worker heartbeat: no worker is running (start one: npm run start:worker)';
  if (freshest.ageMs > WORKER_STALE_MS)
    return `stale: no worker has beaten for ${Math.round(freshest.ageMs / 1000)} s (last: ${freshest.id})`;
  return undefined;
}
