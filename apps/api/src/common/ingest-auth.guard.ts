import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '@app/config';
import { secureEquals } from './secure-compare';

export type IngestSource = 'browser' | 'server';

/** What the ingest guard learned about the caller, attached to the request. */
export interface IngestCaller {
  source: IngestSource;
  /** The visitor's IP and user agent as seen on this request (browser calls only). */
  ip?: string;
  userAgent?: string;
}

export type IngestRequest = FastifyRequest & { ingestCaller?: IngestCaller };

/**
 * Ingest (`/v1/touchpoints`, `/v1/forms`) accepts two callers: servers holding `X-Api-Key: $INGEST_API_KEY`,
 * which may state the visitor's IP and user agent in the body, and browsers on an origin listed in
 * CORS_ORIGINS, whose IP (X-Forwarded-For honoured only from TRUST_PROXY) and user agent come from the
 * request itself. Anything else is refused.
 */
@Injectable()
export class IngestAuthGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<IngestRequest>();
    const apiKey = request.headers['x-api-key'];
    if (apiKey !== undefined) {
      const expected = this.config.auth.ingestApiKey;
      if (!expected || typeof apiKey !== 'string' || !secureEquals(apiKey, expected)) {
        throw new UnauthorizedException('X-Api-Key is not valid');
      }
      request.ingestCaller = { source: 'server' };
      return true;
    }
    const origin = request.headers.origin;
    if (typeof origin === 'string' && this.config.http.corsOrigins.includes(origin)) {
      const userAgent = request.headers['user-agent'];
      request.ingestCaller = { source: 'browser', ip: request.ip, userAgent: userAgent?.slice(0, 1024) };
      return true;
    }
    throw new UnauthorizedException(
      'X-Api-Key required (browsers: call from an origin listed in CORS_ORIGINS)',
    );
  }
}
