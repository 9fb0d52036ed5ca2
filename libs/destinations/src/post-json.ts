/**
 * One JSON POST with a whole-exchange timeout, for the destination clients. Never throws: a network error or
 * timeout comes back as status 0 with its text. Every secret passed is replaced in what comes back (should a
 * platform or a proxy echo a token), so the exchange can be stored as it is.
 */
import type { DestinationExchange, DestinationOutcome } from './destination';

export interface PostJsonRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Tokens to redact from the answer and from error texts. */
  secrets: readonly (string | undefined)[];
}

export type PostJsonResult =
  | { status: number; body: unknown; headers: Headers; durationMs: number }
  | { status: 0; error: string; durationMs: number };

/**
 * The exchange to record for a POST: a network error or timeout is transient (no answer to classify); an answer
 * is classified by the platform's own rules.
 */
export function exchangeOf(
  requestBody: unknown,
  result: PostJsonResult,
  classify: (answer: Extract<PostJsonResult, { headers: Headers }>) => DestinationOutcome,
): DestinationExchange {
  if ('error' in result) {
    const outcome: DestinationOutcome = { kind: 'transient', message: result.error };
    return { requestBody, status: 0, responseBody: undefined, durationMs: result.durationMs, outcome };
  }
  const { status, body: responseBody, durationMs } = result;
  return { requestBody, status, responseBody, durationMs, outcome: classify(result) };
}

const REDACTED = '[redacted]';
const MAX_TEXT_BODY = 4096;

export async function postJson(request: PostJsonRequest): Promise<PostJsonResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), request.timeoutMs);
  try {
    const response = await fetch(request.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', ...request.headers },
      body: request.body,
      signal: controller.signal,
    });
    const text = await response.text();
    const body = redact(parseBody(text), request.secrets);
    return { status: response.status, body, headers: response.headers, durationMs: elapsed() };
  } catch (error) {
    const message = controller.signal.aborted
      ? `timeout after ${request.timeoutMs} ms`
      : `network error: ${redact(errorText(error), request.secrets)}`;
    return { status: 0, error: message, durationMs: elapsed() };
  } finally {
    clearTimeout(timer);
  }
}

/** Retry-After in ms (seconds or an HTTP date), when the platform sent one. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const raw = headers?.get('retry-after')?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds)) return seconds > 0 ? Math.round(seconds * 1000) : undefined;
  const at = Date.parse(raw);
  return Number.isFinite(at) && at > now ? at - now : undefined;
}

export function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.length > MAX_TEXT_BODY ? `${text.slice(0, MAX_TEXT_BODY)}…` : text;
  }
}

/** Replaces every occurrence of each secret inside a JSON-able value. */
export function redact<T>(value: T, secrets: readonly (string | undefined)[]): T {
  if (value === undefined) return value;
  let json = JSON.stringify(value);
  let changed = false;
  for (const secret of secrets) {
    if (secret && json.includes(secret)) {
      json = json.split(secret).join(REDACTED);
      changed = true;
    }
  }
  return changed ? (JSON.parse(json) as T) : value;
}

export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}
