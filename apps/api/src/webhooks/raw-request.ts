import type { FastifyRequest } from 'fastify';

/** Fastify request with Nest's raw body (rawBody: true) — signatures are checked on these exact bytes. */
export type RawRequest = FastifyRequest & { rawBody?: Buffer };

/** The raw body, whichever parser read it (JSON keeps rawBody; XML and text arrive as the string itself). */
export function rawBodyOf(request: RawRequest): Buffer {
  if (request.rawBody) return request.rawBody;
  return Buffer.from(typeof request.body === 'string' ? request.body : '', 'utf8');
}
