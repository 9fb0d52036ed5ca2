import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyInstance } from 'fastify';
import { AppConfig } from '@app/config';
import { MetricsService } from '@app/observability';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { createValidationPipe } from './common/validation';

export const BODY_LIMIT_BYTES = 1024 * 1024;
const MAX_BODY_DEPTH = 32;

/** HTTP-level set-up shared by main.ts and anything else that builds the api. */
export async function configureApp(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  const metrics = app.get(MetricsService);

  await app.register(helmet, { contentSecurityPolicy: false });
  await app.register(cors, {
    origin: config.http.corsOrigins.length ? config.http.corsOrigins : false,
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type'],
    maxAge: 600,
  });

  // sendBeacon posts text/plain to avoid a CORS preflight: read it as JSON, with the same safe parser.
  fastify.removeContentTypeParser('text/plain');
  fastify.addContentTypeParser(
    'text/plain',
    { parseAs: 'string' },
    fastify.getDefaultJsonParser('error', 'error'),
  );

  // Bodies nested absurdly deep are refused before validation walks them.
  fastify.addHook('preValidation', async (request, reply) => {
    if (!withinDepth(request.body, MAX_BODY_DEPTH)) {
      await reply.status(400).send({
        statusCode: 400,
        error: 'Bad Request',
        message: 'body: nested too deeply',
        fields: ['body'],
      });
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
      .setDescription('First-party journey store: touchpoints, forms, journeys, CRM webhooks, admin')
      .setVersion('1')
      .addBearerAuth()
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, 'ingest-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/** Iterative, so a hostile body cannot exhaust the stack while being measured. */
function withinDepth(root: unknown, maxDepth: number): boolean {
  const stack: [unknown, number][] = [[root, 0]];
  while (stack.length) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) return false;
    for (const child of Array.isArray(value) ? value : Object.values(value)) stack.push([child, depth + 1]);
  }
  return true;
}
