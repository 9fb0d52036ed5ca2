import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppConfig } from '@app/config';
import { crossSiteProblem } from './cross-site';
import { secureEquals } from './secure-compare';

export type IngestSource = 'browser' | 'server';

/** What the ingest check learned about the caller, attached to the request. */
export interface IngestCaller {
  source: IngestSource;
  /** The visitor's IP and user agent as seen on this request (browser calls only). */
  ip?: string;
  userAgent?: string;
}

export type IngestRequest = FastifyRequest & { ingestCaller?: IngestCaller };

/** Why an admin call is refused (`Authorization: Bearer $ADMIN_TOKEN`), or undefined when it may go on. */
export function adminAuthProblem(authorization: string | undefined, adminToken: string | undefined) {
  if (!adminToken) return 'admin routes are disabled: ADMIN_TOKEN is not configured';
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  return match && secureEquals(match[1], adminToken)
    ? undefined
    : 'Authorization: Bearer <ADMIN_TOKEN> required';
}

/**
 * Ingest (`/v1/touchpoints`, `/v1/forms`) accepts two callers: servers holding `X-Api-Key: $INGEST_API_KEY`,
 * which may state the visitor's IP and user agent in the body, and browsers on an origin listed in
 * CORS_ORIGINS, whose IP (X-Forwarded-For honoured only from TRUST_PROXY) and user agent come from the
 * request itself. Anything else is refused: the answer is then the reason.
 */
export function ingestCallerOf(request: FastifyRequest, config: AppConfig): IngestCaller | string {
  const apiKey = request.headers['x-api-key'];
  if (apiKey !== undefined) {
    const expected = config.auth.ingestApiKey;
    if (!expected || typeof apiKey !== 'string' || !secureEquals(apiKey, expected)) {
      return 'X-Api-Key is not valid';
    }
    return { source: 'server' };
  }
  const origin = request.headers.origin;
  if (typeof origin === 'string' && config.http.corsOrigins.includes(origin)) {
    const userAgent = request.headers['user-agent'];
    return { source: 'browser', ip: request.ip, userAgent: userAgent?.slice(0, 1024) };
  }
  return 'X-Api-Key required (browsers: call from an origin listed in CORS_ORIGINS)';
}

const INGEST_ROUTES = new Set(['/v1/touchpoints', '/v1/forms']);
const isAdminRoute = (route: string) => route.startsWith('/v1/journeys') || route.startsWith('/v1/admin/');

/**
 * Authenticates admin and ingest calls before their body is read (and refuses cross-site admin writes sent
 * with browser-held credentials, see crossSiteProblem), so a caller without credentials always
 * gets 401 (never a 400 about a body it should not have been able to send). The route guards check again
 * (a route outside these prefixes still has its guard); an ingest caller found here is reused by the guard.
 */
export function authenticateBeforeBody(fastify: FastifyInstance, config: AppConfig): void {
  fastify.addHook('onRequest', (request: IngestRequest, reply, done) => {
    const route = request.routeOptions.url;
    if (route === undefined || request.method === 'OPTIONS') return done();
    let problem: string | undefined;
    if (INGEST_ROUTES.has(route)) {
      const caller = ingestCallerOf(request, config);
      if (typeof caller === 'string') problem = caller;
      else request.ingestCaller = caller;
    } else if (isAdminRoute(route)) {
      const crossSite = crossSiteProblem(request.method, request.headers);
      if (crossSite) {
        void reply.status(403).send({ statusCode: 403, error: 'Forbidden', message: crossSite });
        return;
      }
      problem = adminAuthProblem(request.headers.authorization, config.auth.adminToken);
    }
    if (problem === undefined) return done();
    void reply.status(401).send({ statusCode: 401, error: 'Unauthorized', message: problem });
  });
}
