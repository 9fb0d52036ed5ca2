/**
 * Classifies a TikTok Events API answer (destinations.md §2). TikTok answers most errors with HTTP 200 and
 * a non-zero `code`, so the code decides, and the HTTP status only when no code came back.
 */
import type { DestinationOutcome } from '../destination';
import { asRecord } from '../post-json';

/** No permission on the pixel / event set / advertiser: a set-up problem, retrying will not help. */
export const TIKTOK_PERMISSION = 40001;
/** A bad parameter, e.g. `Batch.0.properties.contents.0.content_id: Not a valid string`. */
export const TIKTOK_INVALID_PARAMETER = 40002;
export const TIKTOK_TOO_MANY_REQUESTS = 40100;
/** [U] 40105 bad or revoked token, 40102 expired token. */
export const TIKTOK_TOKEN_CODES: ReadonlySet<number> = new Set([40102, 40105]);
/** [U] 40700 and 5xxxx: TikTok's side; retried. */
export const TIKTOK_TRANSIENT_CODE = 40700;

const CONFIG_HINT: Record<number, string> = {
  40001:
    'the token has no permission on this pixel or CRM event set (TIKTOK_PIXEL_CODE, TIKTOK_CRM_EVENT_SET_ID)',
  40102: 'the access token has expired: generate a new TIKTOK_ACCESS_TOKEN',
  40105: 'the access token is invalid or revoked: generate a new TIKTOK_ACCESS_TOKEN',
};

export function classifyTikTokResponse(
  status: number,
  body: unknown,
  retryAfterMs?: number,
): DestinationOutcome {
  const record = asRecord(body);
  const code = typeof record?.code === 'number' ? record.code : undefined;
  const traceId = typeof record?.request_id === 'string' && record.request_id ? record.request_id : undefined;
  const said = typeof record?.message === 'string' && record.message ? record.message : undefined;
  const retry = retryAfterMs === undefined ? {} : { retryAfterMs };

  if (code === undefined) {
    const message = `TikTok HTTP ${status} without a code${said ? `: ${said}` : ''}`;
    if (status === 0 || status >= 500) return { kind: 'transient', message, traceId, ...retry };
    if (status === 429) return { kind: 'throttled', message, traceId, ...retry };
    // 401/403/404 without TikTok's envelope: a wrong TIKTOK_API_URL or a proxy refusing us.
    if (status === 401 || status === 403 || status === 404) return { kind: 'config', message, traceId };
    return { kind: 'unknown', message, traceId };
  }
  if (code === 0 && status >= 200 && status < 300) return { kind: 'accepted', traceId };

  const message = `TikTok ${code}: ${said ?? `HTTP ${status}`}`;
  if (code === TIKTOK_PERMISSION || TIKTOK_TOKEN_CODES.has(code)) {
    return { kind: 'config', message: `${message} (${CONFIG_HINT[code]})`, traceId };
  }
  if (code === TIKTOK_INVALID_PARAMETER) return { kind: 'invalid_event', message, traceId };
  if (code === TIKTOK_TOO_MANY_REQUESTS) return { kind: 'throttled', message, traceId, ...retry };
  if (code === TIKTOK_TRANSIENT_CODE || (code >= 50000 && code <= 59999) || status >= 500) {
    return { kind: 'transient', message, traceId, ...retry };
  }
  return { kind: 'unknown', message, traceId };
}
