import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '@app/config';
import { secureEquals } from './secure-compare';

/** Admin routes: `Authorization: Bearer $ADMIN_TOKEN`. With no ADMIN_TOKEN configured they are refused. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.auth.adminToken;
    if (!expected)
      throw new UnauthorizedException('admin routes are disabled: ADMIN_TOKEN is not configured');
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match || !secureEquals(match[1], expected)) {
      throw new UnauthorizedException('Authorization: Bearer <ADMIN_TOKEN> required');
    }
    return true;
  }
}
