import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '@app/config';
import { isAuthorised } from '../dashboard/dashboard-auth';

/**
 * The /admin hook in configure-app.ts answers 401 (with the basic-auth challenge) before any console route runs;
 * this guard checks again, so a console route can never be served without it (a route moved, a hook reordered).
 */
@Injectable()
export class ConsoleAuthGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const token = this.config.auth.adminToken;
    const { authorization } = context.switchToHttp().getRequest<FastifyRequest>().headers;
    if (!token || !isAuthorised(authorization ?? '', token))
      throw new UnauthorizedException('log in with the admin token as password (or Bearer)');
    return true;
  }
}
