import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '@app/config';
import { csrfToken } from './csrf-token';
import type { Html } from './views/html';

/**
 * Every console page: no scripts at all, styles only from our own stylesheet, never framed, no referrer
 * (search terms and ids stay on this site), never cached (pages show live state and a CSRF token).
 */
export const CONSOLE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

export function sendPage(reply: FastifyReply, page: Html, status = 200): string {
  void reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', CONSOLE_CSP)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
  return page.value;
}

/** The CSRF token for the credential this request carries (the auth hook already checked it). */
export const csrfOf = (request: FastifyRequest, config: AppConfig) =>
  csrfToken(config.auth.adminToken ?? '', request.headers.authorization ?? '');

/** A `back` link from a form: only a console path, so it can never point elsewhere. */
export const safeBack = (back: string | undefined, fallback: string) =>
  back && /^\/admin(\/[A-Za-z0-9._~%/?&=+-]*)?$/.test(back) && !back.startsWith('//') ? back : fallback;

/** Where the webhooks of this install are reached, as this request saw it (behind a proxy: PUBLIC_BASE_URL). */
export const requestBase = (request: FastifyRequest) => `${request.protocol}://${request.host}`;
