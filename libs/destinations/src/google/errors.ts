/**
 * Classifies a Data Manager API answer by its documented error reasons (destinations.md §1, "Handling"),
 * not by HTTP status alone. Google's envelope:
 * `{error:{code,status,message,details:[{'@type':'…google.rpc.ErrorInfo',reason},
 *  {'@type':'…google.rpc.BadRequest',fieldViolations:[{field,description}]}]}}`.
 * - 200 `{requestId}`: accepted for processing (not yet processed; the status is read back later);
 * - 429 / 500 / 503 / 504, no answer: retried (`retryAfterMs` from Retry-After);
 * - 401 (after one forced token refresh), 403, TERMS_AND_CONDITIONS_NOT_SIGNED, INVALID_CONVERSION_ACTION_*:
 *   the set-up is wrong, the destination pauses;
 * - any other 400: the request's events are wrong (one bad event fails the whole request): isolate and drop.
 */
import type { DestinationOutcome } from '../destination';

export interface GoogleErrorEnvelope {
  code?: number;
  status?: string;
  message?: string;
  /** ErrorInfo reasons, in order. */
  reasons: string[];
  fieldViolations: { field: string; description: string }[];
}

/** Reasons that name the account set-up, whatever the HTTP status. */
const CONFIG_REASONS = new Set([
  'TERMS_AND_CONDITIONS_NOT_SIGNED',
  'INVALID_CONVERSION_ACTION_ID',
  'INVALID_CONVERSION_ACTION_TYPE',
  'PERMISSION_DENIED',
  'INVALID_OPERATING_ACCOUNT',
  'INVALID_LOGIN_ACCOUNT',
  'OPERATING_ACCOUNT_NOT_FOUND',
]);
const isConfigReason = (reason: string) =>
  CONFIG_REASONS.has(reason) || reason.startsWith('INVALID_CONVERSION_ACTION');
const TRANSIENT_STATUSES = new Set([500, 502, 503, 504]);

type HeaderSource = Headers | undefined;

export function classifyDataManagerResponse(
  status: number,
  body: unknown,
  headers?: HeaderSource,
): DestinationOutcome {
  const envelope = readGoogleError(body);
  const message = describe(status, envelope);
  const retryAfterMs = retryAfter(headers);
  const withRetry = retryAfterMs === undefined ? {} : { retryAfterMs };

  if (status >= 200 && status < 300 && !envelope) {
    const record = asRecord(body);
    const requestId =
      typeof record?.requestId === 'string' && record.requestId ? record.requestId : undefined;
    return requestId ? { kind: 'accepted', requestId } : { kind: 'accepted' };
  }
  if (status === 429 || envelope?.status === 'RESOURCE_EXHAUSTED')
    return { kind: 'throttled', message, ...withRetry };
  if (TRANSIENT_STATUSES.has(status) || status === 0) return { kind: 'transient', message, ...withRetry };
  if (envelope?.reasons.some(isConfigReason)) return { kind: 'config', message };
  if (status === 401 || status === 403 || status === 404) return { kind: 'config', message };
  if (status === 400) {
    const failedIndexes = eventIndexes(envelope?.fieldViolations ?? []);
    return failedIndexes.length
      ? { kind: 'invalid_event', message, failedIndexes }
      : { kind: 'invalid_event', message };
  }
  if (status >= 500) return { kind: 'transient', message, ...withRetry };
  return { kind: 'unknown', message };
}

/** The parts of Google's error envelope we act on, or undefined when the body is not one. */
export function readGoogleError(body: unknown): GoogleErrorEnvelope | undefined {
  const error = asRecord(asRecord(body)?.error);
  if (!error) return undefined;
  const envelope: GoogleErrorEnvelope = {
    code: typeof error.code === 'number' ? error.code : undefined,
    status: typeof error.status === 'string' ? error.status : undefined,
    message: typeof error.message === 'string' ? error.message : undefined,
    reasons: [],
    fieldViolations: [],
  };
  for (const detail of Array.isArray(error.details) ? error.details : []) {
    const record = asRecord(detail);
    if (typeof record?.reason === 'string' && record.reason) envelope.reasons.push(record.reason);
    for (const violation of Array.isArray(record?.fieldViolations) ? record.fieldViolations : []) {
      const entry = asRecord(violation);
      if (typeof entry?.field === 'string') {
        envelope.fieldViolations.push({
          field: entry.field,
          description: typeof entry.description === 'string' ? entry.description : '',
        });
      }
    }
  }
  return envelope;
}

/**
 * The `events[N]` a field violation names ([U] Google's exact path, so `events[3].…`, `events.events[3]`
 * and `events.3` are all read), sorted, unique.
 */
export function eventIndexes(violations: { field: string }[]): number[] {
  const indexes = new Set<number>();
  for (const { field } of violations) {
    const match = /(?:^|\.)events(?:\[(\d+)\]|\.(\d+))/.exec(field);
    if (match) indexes.add(Number(match[1] ?? match[2]));
  }
  return [...indexes].sort((a, b) => a - b);
}

/** Google's words: status, reasons, message and the first field violations (they name the field). */
function describe(status: number, envelope: GoogleErrorEnvelope | undefined): string {
  if (!envelope) return `HTTP ${status} without a Google error body`;
  const head = [envelope.status ?? `HTTP ${status}`, ...envelope.reasons].join(' ');
  const violations = envelope.fieldViolations
    .slice(0, 3)
    .map((v) => `${v.field}: ${v.description}`)
    .join('; ');
  return [head, envelope.message, violations].filter(Boolean).join(' — ');
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfter(headers: HeaderSource): number | undefined {
  const raw = headers?.get('retry-after')?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds > 0 ? seconds * 1000 : undefined;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now()) || undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
