import { CanActivate, ExecutionContext, ForbiddenException, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '@app/config';
import { secureEquals } from '../common/secure-compare';
import { CSRF_FIELD, csrfToken } from './csrf-token';

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
