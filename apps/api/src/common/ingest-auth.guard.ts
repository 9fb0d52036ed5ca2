import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { ingestCallerOf, type IngestRequest } from './request-auth';

export type { IngestCaller, IngestRequest, IngestSource } from './request-auth';

/** Ingest routes: a server with the API key or a browser from CORS_ORIGINS (see ingestCallerOf). */
@Injectable()
export class IngestAuthGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IngestRequest>();
    // Usually already resolved by the onRequest check (authenticateBeforeBody), before the body was read.
    if (request.ingestCaller) return true;
    const caller = ingestCallerOf(request, this.config);
    if (typeof caller === 'string') throw new UnauthorizedException(caller);
    request.ingestCaller = caller;
    return true;
  }
}
