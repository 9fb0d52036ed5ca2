import type { IncomingMessage, ServerResponse } from 'node:http';
import { secureEquals } from '../common/secure-compare';

/**
 * Guards the queue dashboard (Nest guards do not cover Bull Board's own routes): HTTP basic auth with
 * ADMIN_TOKEN as the password (any user name, so a browser can log in), or `Authorization: Bearer`.
 */
export function dashboardAuth(adminToken: string | undefined) {
  return (req: IncomingMessage, res: ServerResponse, next: () => void) => {
    if (adminToken && isAuthorised(req.headers.authorization ?? '', adminToken)) return next();
    res.statusCode = 401;
    res.setHeader('WWW-Authenticate', 'Basic realm="Journey Store admin", charset="UTF-8"');
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(
      JSON.stringify({
        statusCode: 401,
        error: 'Unauthorized',
        message: adminToken
          ? 'authorization: log in with the admin token as password (or Bearer)'
          : 'the dashboard is disabled: ADMIN_TOKEN is not configured',
      }),
    );
  };
}

export function isAuthorised(header: string, token: string): boolean {
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return secureEquals(bearer[1], token);
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!basic) return false;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  return decoded.includes(':') && secureEquals(password, token);
}
