import { createHash } from 'node:crypto';
import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  InjectThrottlerOptions,
  InjectThrottlerStorage,
  ThrottlerGuard,
  type ThrottlerLimitDetail,
  type ThrottlerModuleOptions,
  type ThrottlerStorage,
} from '@nestjs/throttler';
import { MetricsService } from '@app/observability';
import type { IngestRequest } from '../../common/request-auth';

/**
 * Who an ingest call counts against: a server by its API key (hashed: keys never reach Redis), a browser by
 * its client IP as TRUST_PROXY resolves it. Runs after IngestAuthGuard, so the caller is known.
 */
export function ingestTracker(request: IngestRequest): string {
  const apiKey = request.headers['x-api-key'];
  if (request.ingestCaller?.source === 'server' && typeof apiKey === 'string') {
    return `key:${createHash('sha256').update(apiKey).digest('hex').slice(0, 32)}`;
  }
  return `ip:${request.ip}`;
}

/** @nestjs/throttler's guard, counting what it refuses on /metrics. */
@Injectable()
export class IngestThrottlerGuard extends ThrottlerGuard {
  constructor(
    @InjectThrottlerOptions() options: ThrottlerModuleOptions,
    @InjectThrottlerStorage() storage: ThrottlerStorage,
    reflector: Reflector,
    private readonly metrics: MetricsService,
  ) {
    super(options, storage, reflector);
  }

  protected override async throwThrottlingException(
    context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const request = context.switchToHttp().getRequest<IngestRequest>();
    this.metrics.ingestRateLimited.inc({
      route: request.routeOptions.url ?? 'unmatched',
      caller: request.ingestCaller?.source ?? 'unknown',
    });
    return super.throwThrottlingException(context, detail);
  }
}
