import { createHmac } from 'node:crypto';
import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '@app/config';
import { secureEquals } from '../common/secure-compare';

/**
 * CSRF token of the console's state-changing forms: an HMAC of the credential the browser sends
 * (`Authorization`, re-sent by the browser for basic auth) under a key derived from ADMIN_TOKEN. A page on
 * another site cannot read our pages, so it cannot know the token; it changes with the credential and the
 * admin token, and needs no server-side session. Checked on top of the Origin/Sec-Fetch-Site refusal.
 */
export function csrfToken(adminToken: string, authorization: string): string {
  const key = createHmac('sha256', adminToken).update('journey-store console csrf v1').digest();
  return createHmac('sha256', key).update(authorization).digest('base64url');
}

export const CSRF_FIELD = 'csrf';

/** Refuses (403) a console POST whose `csrf` field is missing or not this credential's token. */
@Injectable()
export class ConsoleCsrfGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const given = (request.body as Record<string, unknown> | undefined)?.[CSRF_FIELD];
    const adminToken = this.config.auth.adminToken;
    const authorization = request.headers.authorization;
    if (
      !adminToken ||
      !authorization ||
      typeof given !== 'string' ||
      !secureEquals(given, csrfToken(adminToken, authorization))
    ) {
      throw new ForbiddenException(
        'csrf: missing or not valid for this login; submit the form from the console page again',
      );
    }
    return true;
  }
}
