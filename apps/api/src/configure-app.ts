import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance, RawServerDefault } from 'fastify';
import { AppConfig } from '@app/config';
import { MetricsService } from '@app/observability';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { dashboardAuth } from './dashboard/dashboard-auth';
import { crossSiteProblem } from './common/cross-site';
import { authenticateBeforeBody } from './common/request-auth';
import { createValidationPipe } from './common/validation';

export const BODY_LIMIT_BYTES = 1024 * 1024;
const SALESFORCE_WEBHOOK_PATH = '/webhooks/salesforce';
const MAX_BODY_DEPTH = 32;
const ADMIN_PREFIX = '/admin';
const FORM_BODY_LIMIT_BYTES = 16 * 1024;

/** HTTP-level set-up shared by main.ts and anything else that builds the api. */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const metrics = app.get(MetricsService);

  // A policy that restricts framing, forms, plugins and base URLs on every page (Swagger UI, the queue
  // dashboard) without forbidding the inline scripts those pages ship.
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        // No default-src: a script or style policy would break the inline code those pages ship.
        defaultSrc: helmet.contentSecurityPolicy.dangerouslyDisableDefaultSrc,
        frameAncestors: ["'self'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
      },
    },
  });
  await app.register(cors, {
    origin: config.http.corsOrigins.length ? config.http.corsOrigins : false,
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type'],
    maxAge: 600,
  });

  // JSON with the raw bytes kept (webhook signatures). A bodyless request that still says application/json
  // (a DELETE or GET from many HTTP clients) has no body, rather than an invalid one.
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  app.useBodyParser<RawServerDefault>(
    'application/json',
    { bodyLimit: BODY_LIMIT_BYTES },
    (request, body, done) => {
      if (body.length === 0) return done(null, undefined);
      parseJson(request, body.toString('utf8'), done);
    },
  );

  // sendBeacon posts text/plain to avoid a CORS preflight: read it as JSON, with the same safe parser.
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser(
    'text/plain',
    { parseAs: 'string' },
    fastify.getDefaultJsonParser('error', 'error'),
  );

  // Salesforce Outbound Messages are SOAP: keep the XML as a string for the safe parser. XML is accepted on
  // that endpoint only (Fastify parsers are global, so other routes refuse it here).
  fastify.addContentTypeParser(
    ['text/xml', 'application/xml', 'application/soap+xml'],
    { parseAs: 'string' },
    (request, body, done) =>
      request.url.split('?')[0] === SALESFORCE_WEBHOOK_PATH
        ? done(null, body)
        : done(
            Object.assign(new Error('content-type: send application/json'), { statusCode: 415 }),
            undefined,
          ),
  );

  // The console's HTML forms post application/x-www-form-urlencoded: accepted under /admin only (every other
  // route keeps refusing it), small, and each field read once (a repeated field keeps its first value).
  // Registered through Nest (which would otherwise install its own, for every route).
  app.useBodyParser<RawServerDefault>(
    'application/x-www-form-urlencoded',
    { bodyLimit: FORM_BODY_LIMIT_BYTES },
    (request, body, done) => {
      const path = (request.url ?? '').split('?')[0];
      if (!path.startsWith(`${ADMIN_PREFIX}/`)) {
        done(Object.assign(new Error('content-type: send application/json'), { statusCode: 415 }), undefined);
        return;
      }
      const fields: Record<string, string> = {};
      for (const [key, value] of new URLSearchParams(body.toString('utf8')))
        if (!(key in fields)) fields[key] = value;
      done(null, fields);
    },
  );

  // A NUL byte in the path or query is never meaningful; refused here, before any handler (Bull Board's
  // included, which answered 500 to one — found by the fuzz tests).
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!/%00/i.test(request.url)) return done();
    void reply.status(400).send({
      statusCode: 400,
      error: 'Bad Request',
      message: 'url: must not contain NUL characters',
      fields: ['url'],
    });
  });

  authenticateBeforeBody(fastify, config);

  // The console (/admin) and Bull Board's routes (its page, assets and JSON API under /admin/queues/...; plain
  // Fastify routes that Nest middleware covers only at the exact path): one guard for the whole prefix, so one
  // browser log-in (basic auth, or Bearer) covers both.
  const guardDashboard = dashboardAuth(config.auth.adminToken);
  fastify.addHook('onRequest', (request, reply, done) => {
    const path = request.url.split('?')[0];
    if (path !== ADMIN_PREFIX && !path.startsWith(`${ADMIN_PREFIX}/`)) return done();
    // Console forms and Bull Board's actions (retry, clean, promote) are POST/PUTs a browser would send with
    // basic auth; console forms also carry a CSRF token (console-csrf.ts).
    const crossSite = crossSiteProblem(request.method, request.headers);
    if (crossSite) {
      void reply.status(403).send({ statusCode: 403, error: 'Forbidden', message: crossSite });
      return;
    }
    guardDashboard(request.raw, reply.raw, () => done());
    if (reply.raw.writableEnded) reply.hijack();
  });

  // Refused before validation walks the body: absurd nesting, and NUL characters (Postgres text and jsonb
  // cannot hold them; caught here the answer names the field instead of failing at insert time).
  fastify.addHook('preValidation', async (request, reply) => {
    const problem = findBodyProblem(request.body, MAX_BODY_DEPTH);
    if (problem) {
      await reply
        .status(400)
        .send({ statusCode: 400, error: 'Bad Request', message: problem.message, fields: [problem.field] });
    }
  });
  fastify.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const seconds = reply.elapsedTime / 1000;
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, seconds);
  });

  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Journey Store')
      .setDescription(
        'First-party journey store: touchpoints, forms, journeys, CRM webhooks, admin, the operator console (HTML)',
      )
      .setVersion('1')
      .addBearerAuth()
      // The console and the queue dashboard also take HTTP basic auth (ADMIN_TOKEN as the password).
      .addBasicAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'ingest-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/** Iterative, so a hostile body cannot exhaust the stack while being inspected. */
export function findBodyProblem(
  root: unknown,
  maxDepth: number,
): { field: string; message: string } | undefined {
  const stack: [unknown, string, number][] = [[root, '', 0]];
  while (stack.length) {
    const [value, path, depth] = stack.pop()!;
    const field = path || 'body';
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return { field, message: `${field} must not contain NUL characters` };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) return { field: 'body', message: 'body: nested too deeply' };
    for (const [key, child] of Object.entries(value)) {
      if (key.includes('\u0000')) return { field, message: `${field} must not contain NUL characters` };
      stack.push([child, path ? `${path}.${key}` : key, depth + 1]);
    }
  }
  return undefined;
}
