import type { IngestCaller } from '../common/ingest-auth.guard';

/** Node reports IPv4 peers on a dual-stack socket as ::ffff:a.b.c.d; store the plain IPv4 form. */
export function plainIp(ip: string | undefined): string | undefined {
  if (!ip) return undefined;
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

/**
 * The visitor's IP and user agent: stated in the body by a server holding the ingest key (its own request
 * IP is the server's, not the visitor's), taken from the request for browsers (body values are ignored).
 */
export function visitorNetwork(caller: IngestCaller, body: { ip?: string; user_agent?: string }) {
  if (caller.source === 'server') return { ip: plainIp(body.ip), userAgent: body.user_agent };
  return { ip: plainIp(caller.ip), userAgent: caller.userAgent };
}
