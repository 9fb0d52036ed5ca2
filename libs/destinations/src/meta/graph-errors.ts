/**
 * Classifies a Graph API answer to `POST /{pixel}/events` by error code and subcode (meta-capi.md §6), not by
 * HTTP status alone. What each kind means for the dispatcher:
 * - accepted: Meta took the batch.
 * - transient: retry with back-off (downtime, 5xx, timeouts, `is_transient: true`).
 * - throttled: a rate limit; retry later, no sooner than `retryAfterMs` when given.
 * - config: token, permission or pixel problem; pause the destination instead of burning retries.
 * - invalid_event: the payload is wrong; bisect the batch and park the bad event with Meta's message.
 * - unknown: anything else; terminal for this payload unless the caller decides otherwise.
 */
export type GraphOutcome =
  | { kind: 'accepted'; eventsReceived: number; fbtraceId?: string; messages: unknown[] }
  | {
      kind: 'transient' | 'throttled' | 'config' | 'invalid_event' | 'unknown';
      code?: number;
      subcode?: number;
      message: string;
      fbtraceId?: string;
      isTransient?: boolean;
      retryAfterMs?: number;
    };

/** 1 API unknown, 2 API service, 21009 data set upload not ready: temporary downtime. */
export const TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2, 21009]);
/**
 * 4 app limit, 17 user limit, 32 page limit, 341 application limit, 368 temporarily blocked for policy,
 * 613 call-rate limit, 80000–80014 Business Use Case limits (see isThrottleCode).
 */
export const THROTTLE_CODES: ReadonlySet<number> = new Set([4, 17, 32, 341, 368, 613]);
/** 190 token invalid/expired, 102 session expired, 10 and 200–299 permission, 3 capability missing. */
export const CONFIG_CODES: ReadonlySet<number> = new Set([3, 10, 102, 190]);
/** Code 100 subcode 33: the pixel/dataset does not exist or the token cannot reach it. */
export const UNKNOWN_OBJECT_SUBCODES: ReadonlySet<number> = new Set([33]);
/**
 * Code 100 subcodes that name a bad event (2804003 timestamp too old, 2804009 Purchase without value, and
 * other validation failures). Every other code-100 subcode is treated as an invalid event too.
 */
export const INVALID_EVENT_SUBCODES: ReadonlySet<number> = new Set([
  2804001, 2804003, 2804007, 2804009, 2804016, 2804017, 2804019, 2804048,
]);

const isThrottleCode = (code: number) => THROTTLE_CODES.has(code) || (code >= 80000 && code <= 80014);
const isConfigCode = (code: number) => CONFIG_CODES.has(code) || (code >= 200 && code <= 299);

type HeaderSource = Headers | Record<string, string | string[] | undefined> | undefined;

export function classifyGraphResponse(status: number, body: unknown, headers?: HeaderSource): GraphOutcome {
  const record = asRecord(body);
  const error = asRecord(record?.error);
  const retryAfterMs = retryAfter(headers);
  const withRetry = retryAfterMs === undefined ? {} : { retryAfterMs };

  if (!error) {
    if (status >= 200 && status < 300 && typeof record?.events_received === 'number') {
      return {
        kind: 'accepted',
        eventsReceived: record.events_received,
        fbtraceId: stringOf(record.fbtrace_id),
        messages: Array.isArray(record.messages) ? record.messages : [],
      };
    }
    const message = `HTTP ${status} without a Graph error body`;
    const fbtraceId = stringOf(record?.fbtrace_id);
    if (status >= 500 || status === 0) return { kind: 'transient', message, fbtraceId };
    if (status === 429) return { kind: 'throttled', message, fbtraceId, ...withRetry };
    // 401/403/404 without Graph's envelope: wrong META_GRAPH_URL, version or credentials at a proxy.
    if (status === 401 || status === 403 || status === 404) return { kind: 'config', message, fbtraceId };
    return { kind: 'unknown', message, fbtraceId };
  }

  const code = numberOf(error.code);
  const subcode = numberOf(error.error_subcode);
  const isTransient = typeof error.is_transient === 'boolean' ? error.is_transient : undefined;
  const base = {
    code,
    subcode,
    message: errorMessage(error, status),
    fbtraceId: stringOf(error.fbtrace_id) ?? stringOf(record?.fbtrace_id),
    ...(isTransient === undefined ? {} : { isTransient }),
  };

  if (code !== undefined && isThrottleCode(code)) return { kind: 'throttled', ...base, ...withRetry };
  if (code !== undefined && isConfigCode(code)) return { kind: 'config', ...base };
  if (code === 100 && subcode !== undefined && UNKNOWN_OBJECT_SUBCODES.has(subcode))
    return { kind: 'config', ...base };
  if (isTransient === true || (code !== undefined && TRANSIENT_CODES.has(code))) {
    return { kind: 'transient', ...base, ...withRetry };
  }
  if (code === 100) return { kind: 'invalid_event', ...base };
  if (status >= 500) return { kind: 'transient', ...base, ...withRetry };
  if (status === 429) return { kind: 'throttled', ...base, ...withRetry };
  return { kind: 'unknown', ...base };
}

/** Meta's words for the problem: the user-facing title and message when present (they name the field). */
function errorMessage(error: Record<string, unknown>, status: number): string {
  const parts = [stringOf(error.message), stringOf(error.error_user_title), stringOf(error.error_user_msg)];
  const text = [...new Set(parts.filter((part): part is string => !!part))].join(' — ');
  return text || `HTTP ${status} Graph error`;
}

/** Retry-After (seconds) or Meta's usage headers' `estimated_time_to_regain_access` (minutes). */
function retryAfter(headers: HeaderSource): number | undefined {
  const get = (name: string): string | undefined => {
    if (!headers) return undefined;
    if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
    const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
    return Array.isArray(entry) ? entry[0] : entry;
  };
  const seconds = Number(get('retry-after'));
  if (Number.isFinite(seconds) && seconds > 0) return seconds * 1000;
  let minutes = 0;
  for (const name of ['x-business-use-case-usage', 'x-app-usage', 'x-ad-account-usage']) {
    const raw = get(name);
    if (!raw) continue;
    try {
      const found = JSON.stringify(JSON.parse(raw)).match(/"estimated_time_to_regain_access":(\d+)/g) ?? [];
      for (const match of found) minutes = Math.max(minutes, Number(match.split(':')[1]));
    } catch {
      // An unreadable usage header carries no retry hint.
    }
  }
  return minutes > 0 ? minutes * 60_000 : undefined;
}

/** Exponential back-off with full jitter: uniform in [0, min(cap, base · 2^attempt)), attempt ≥ 0. */
export function backoffMs(
  attempt: number,
  random: () => number = Math.random,
  options: { baseMs?: number; capMs?: number } = {},
): number {
  const baseMs = options.baseMs ?? 1000;
  const capMs = options.capMs ?? 5 * 60_000;
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(capMs, baseMs * 2 ** exponent);
  return Math.floor(Math.min(Math.max(random(), 0), 0.999999) * ceiling);
}

/** The delay before retrying an outcome: the back-off, but never sooner than Meta asked. */
export function retryDelayMs(
  outcome: GraphOutcome,
  attempt: number,
  random: () => number = Math.random,
): number {
  const backoff = backoffMs(attempt, random);
  return outcome.kind === 'accepted' ? 0 : Math.max(backoff, outcome.retryAfterMs ?? 0);
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\d+$/.test(value)) return Number(value);
  return undefined;
}

function stringOf(value: unknown): string | undefined {
  return typeof value === 'string' && value ? value : undefined;
}
