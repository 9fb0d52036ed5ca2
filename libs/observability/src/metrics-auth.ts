import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Why a scrape of /metrics is refused (METRICS_TOKEN set, and no `Authorization: Bearer <token>` with it), or
 * undefined when it may proceed. Shared by the api's controller and the worker's own server.
 */
export function metricsAuthProblem(authorization: string | undefined, token: string | undefined) {
  if (!token) return undefined;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  // Hashing first makes the lengths equal, so the comparison is constant-time and hides the token's length.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return match && timingSafeEqual(digest(match[1]), digest(token))
    ? undefined
    : 'Authorization: Bearer <METRICS_TOKEN> required';
}
