import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '@app/config';
import { adminAuthProblem } from './request-auth';

/** Admin routes: `Authorization: Bearer $ADMIN_TOKEN`. With no ADMIN_TOKEN configured they are refused. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const { authorization } = context.switchToHttp().getRequest<FastifyRequest>().headers;
    const problem = adminAuthProblem(authorization, this.config.auth.adminToken);
    if (problem) throw new UnauthorizedException(problem);
    return true;
  }
}
