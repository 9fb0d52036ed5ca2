/**
 * Classifies a LinkedIn Conversions API answer (destinations.md §3). LinkedIn uses HTTP statuses as
 * documented; its error body `{status, serviceErrorCode, code, message}` names the reason.
 */
import type { DestinationOutcome } from '../destination';
import { asRecord } from '../post-json';

export interface LinkedInAnswerContext {
  /** LINKEDIN_API_VERSION in use, named when LinkedIn says it is sunset (426). */
  apiVersion: string;
  retryAfterMs?: number;
  /** LinkedIn's request id: the `x-li-uuid` response header ([U]: from integrations, not LinkedIn's docs). */
  traceId?: string;
}

/** 65600 INVALID_ACCESS_TOKEN, 65601 REVOKED_ACCESS_TOKEN (and 65602 EXPIRED_ACCESS_TOKEN, [U]). */
const TOKEN_ERRORS: Record<string, string> = {
  INVALID_ACCESS_TOKEN: 'the access token is invalid: set a new LINKEDIN_ACCESS_TOKEN',
  REVOKED_ACCESS_TOKEN:
    'the access token was revoked: a member must consent again for a new LINKEDIN_ACCESS_TOKEN',
  EXPIRED_ACCESS_TOKEN: 'the access token has expired (they last 60 days): set a new LINKEDIN_ACCESS_TOKEN',
};

export function classifyLinkedInResponse(
  status: number,
  body: unknown,
  context: LinkedInAnswerContext,
): DestinationOutcome {
  const { traceId } = context;
  const retry = context.retryAfterMs === undefined ? {} : { retryAfterMs: context.retryAfterMs };
  const record = asRecord(body);
  const said = typeof record?.message === 'string' && record.message ? record.message : undefined;
  const code = typeof record?.code === 'string' ? record.code : undefined;
  const serviceCode = typeof record?.serviceErrorCode === 'number' ? record.serviceErrorCode : undefined;
  const named = [code, serviceCode].filter((part) => part !== undefined).join(' ');
  const message = `LinkedIn HTTP ${status}${named ? ` ${named}` : ''}${said ? `: ${said}` : ''}`;

  if (status >= 200 && status < 300) {
    const rejectedIndexes = rejectedElements(record?.elements);
    return rejectedIndexes.length
      ? { kind: 'accepted', traceId, rejectedIndexes }
      : { kind: 'accepted', traceId };
  }
  if (status === 422) {
    // 422 refuses the whole batch; the message lists the failing elements ("Index: 0, ERROR :: …").
    const failedIndexes = failingIndexes(said);
    return { kind: 'invalid_event', message, traceId, ...(failedIndexes.length ? { failedIndexes } : {}) };
  }
  if (status === 400) return { kind: 'invalid_event', message, traceId };
  if (status === 401) {
    const hint =
      (code && TOKEN_ERRORS[code]) ?? 'the access token was refused: set a new LINKEDIN_ACCESS_TOKEN';
    return { kind: 'config', message: `${message} (${hint})`, traceId };
  }
  if (status === 403) {
    const hint = 'the member behind the token needs a role on the ad account and the rw_conversions scope';
    return { kind: 'config', message: `${message} (${hint})`, traceId };
  }
  if (status === 426) {
    const hint = `LINKEDIN_API_VERSION ${context.apiVersion} is sunset: set a newer one`;
    return { kind: 'config', message: `${message} (${hint})`, traceId };
  }
  // A wrong LINKEDIN_API_URL or path: retrying will not find it.
  if (status === 404) return { kind: 'config', message, traceId };
  if (status === 429) return { kind: 'throttled', message, traceId, ...retry };
  if (status === 0 || status >= 500) return { kind: 'transient', message, traceId, ...retry };
  return { kind: 'unknown', message, traceId };
}

/** The indexes named in a 422 message, ascending, each once. */
export function failingIndexes(message: string | undefined): number[] {
  const found = new Set<number>();
  for (const match of (message ?? '').matchAll(/Index:\s*(\d+)\s*,/g)) found.add(Number(match[1]));
  return [...found].sort((a, b) => a - b);
}

/** Elements of a batch 200 whose own status is not 2xx, with LinkedIn's words for each. */
function rejectedElements(elements: unknown): { index: number; message: string }[] {
  if (!Array.isArray(elements)) return [];
  const rejected: { index: number; message: string }[] = [];
  elements.forEach((element, index) => {
    const record = asRecord(element);
    const status = typeof record?.status === 'number' ? record.status : undefined;
    if (status !== undefined && status >= 200 && status < 300) return;
    const error = asRecord(record?.error);
    const said = [error?.message, record?.message].find((part) => typeof part === 'string' && part);
    rejected.push({
      index,
      message: `LinkedIn element status ${status ?? 'missing'}${said ? `: ${said}` : ''}`,
    });
  });
  return rejected;
}
