import type { IncomingHttpHeaders } from 'node:http';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF: HTTP basic credentials (and cookies) are re-sent by the browser on its own, so a page on another site
 * could make an admin's browser post to us with them. A state-changing request that carries such ambient
 * credentials must come from our own origin: `Sec-Fetch-Site` (every current browser sends it) must say
 * same-origin or none (typed / bookmarked), and without it an `Origin` must match the host. Bearer tokens are
 * never sent implicitly, so API calls with one are not checked; neither are requests without any browser
 * header (curl, servers). Answers the reason to refuse, or undefined.
 */
export function crossSiteProblem(method: string, headers: IncomingHttpHeaders): string | undefined {
  if (SAFE_METHODS.has(method.toUpperCase())) return undefined;
  const authorization = headers.authorization ?? '';
  const ambient =
    /^Basic\s/i.test(authorization) || (headers.cookie !== undefined && !/^Bearer\s/i.test(authorization));
  if (!ambient) return undefined;
  const fetchSite = headers['sec-fetch-site'];
  if (typeof fetchSite === 'string') {
    return fetchSite === 'same-origin' || fetchSite === 'none'
      ? undefined
      : `cross-site request refused (Sec-Fetch-Site: ${fetchSite}): use the console's own pages or a Bearer token`;
  }
  const origin = headers.origin;
  if (typeof origin !== 'string') return undefined;
  let originHost: string | undefined;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = undefined;
  }
  return originHost !== undefined && originHost === headers.host
    ? undefined
    : "cross-site request refused (Origin does not match): use the console's own pages or a Bearer token";
}
