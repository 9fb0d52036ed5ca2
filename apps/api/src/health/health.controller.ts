import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DatabaseHealthRepository } from '@app/db';
import { REDIS } from '@app/queues';
import type { RedisClient } from '@app/queues';
import { WorkerPresence } from './worker-presence';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: DatabaseHealthRepository,
    @Inject(REDIS) private readonly redis: RedisClient,
    private readonly workers: WorkerPresence,
  ) {}

  /** Liveness: the process serves HTTP. Dependencies are readiness's business. */
  @Get()
  live() {
    return { status: 'ok' };
  }

  /**
   * Readiness: Postgres and Redis both answer within a second, and a worker has beaten within 30 s (503 with
   * the reason otherwise: without a worker, stored webhooks are never joined or sent).
   */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () =>
        this.indicators
          .check('postgres')
          .attempt(() => this.database.ping())
          .withTimeout(1000),
      () =>
        this.indicators
          .check('redis')
          .attempt(async () => void (await this.redis.ping()))
          .withTimeout(1000),
      async () => {
        const indicator = this.indicators.check('worker');
        // Bounded like the other checks: a Redis that hangs must not hang readiness.
        const problem = await Promise.race([
          this.workers.problem(),
          new Promise<string>((resolve) =>
            setTimeout(
              () => resolve('worker heartbeats unknown: Redis did not answer within a second'),
              1000,
            ).unref(),
          ),
        ]).catch(() => 'worker heartbeats unknown: Redis does not answer');
        return problem ? indicator.down({ reason: problem }) : indicator.up();
      },
    ]);
  }
}
