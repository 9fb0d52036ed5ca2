/**
 * Reads back what Google did with an accepted request: `GET {base}/v1/requestStatus:retrieve?requestId=…`
 * (destinations.md §1, "Async partial failure"). A 200 on ingest only means "accepted for processing";
 * events can still fail later (EVENT_TOO_OLD, INVALID_GCLID, DENIED_CONSENT, …), reported as counts per
 * reason per destination, never per event.
 */
import type { DestinationOutcome } from '../destination';
import { classifyDataManagerResponse } from './errors';
import type { DataManagerHttp } from './http';

export type GoogleRequestState = 'SUCCESS' | 'PROCESSING' | 'FAILED' | 'PARTIAL_SUCCESS';

export interface GoogleErrorCount {
  /** Without Google's `PROCESSING_ERROR_REASON_` prefix, e.g. `EVENT_TOO_OLD`. */
  reason: string;
  count: number;
}

export interface GoogleDestinationStatus {
  /** The conversion action (productDestinationId) this part of the request went to. */
  conversionActionId?: string;
  state: GoogleRequestState;
  /** Events Google counted for this destination. */
  recordCount?: number;
  errors: GoogleErrorCount[];
}

export interface GoogleRequestStatus {
  /** The request as a whole: the worst of its destinations, PROCESSING while any still is. */
  state: GoogleRequestState;
  /** Error counts summed over destinations, per reason. */
  errors: GoogleErrorCount[];
  destinations: GoogleDestinationStatus[];
}

export type RequestStatusAnswer =
  | {
      kind: 'status';
      status: GoogleRequestStatus;
      httpStatus: number;
      responseBody: unknown;
      durationMs: number;
    }
  | {
      kind: 'error';
      /** Why no status was read (an unknown or validate-only request id is `invalid_event`: asking again won't help). */
      outcome: Exclude<DestinationOutcome, { kind: 'accepted' }>;
      httpStatus: number;
      responseBody: unknown;
      durationMs: number;
    };

const REASON_PREFIX = 'PROCESSING_ERROR_REASON_';
const STATES: readonly GoogleRequestState[] = ['SUCCESS', 'PROCESSING', 'FAILED', 'PARTIAL_SUCCESS'];

export async function retrieveRequestStatus(
  http: DataManagerHttp,
  dataManagerUrl: string,
  requestId: string,
): Promise<RequestStatusAnswer> {
  const base = dataManagerUrl.replace(/\/+$/, '');
  const answer = await http.call({
    method: 'GET',
    url: `${base}/v1/requestStatus:retrieve?requestId=${encodeURIComponent(requestId)}`,
  });
  if (answer.kind === 'failure') {
    return {
      kind: 'error',
      outcome: answer.outcome,
      httpStatus: 0,
      responseBody: answer.body,
      durationMs: answer.durationMs,
    };
  }
  const { status: httpStatus, body: responseBody, durationMs } = answer;
  if (httpStatus === 200) {
    const status = parseRequestStatus(responseBody);
    if (status) return { kind: 'status', status, httpStatus, responseBody, durationMs };
    const outcome = {
      kind: 'unknown' as const,
      message: 'requestStatus:retrieve answered 200 without a readable status',
    };
    return { kind: 'error', outcome, httpStatus, responseBody, durationMs };
  }
  const outcome = classifyDataManagerResponse(httpStatus, responseBody, answer.headers);
  const failure =
    outcome.kind === 'accepted' ? { kind: 'unknown' as const, message: `HTTP ${httpStatus}` } : outcome;
  return { kind: 'error', outcome: failure, httpStatus, responseBody, durationMs };
}

/** `{requestStatusPerDestination:[…]}` → one status for the request, or undefined when unreadable. */
export function parseRequestStatus(body: unknown): GoogleRequestStatus | undefined {
  const perDestination = asRecord(body)?.requestStatusPerDestination;
  if (!Array.isArray(perDestination) || perDestination.length === 0) return undefined;
  const destinations = perDestination.map((entry) => destinationStatus(asRecord(entry) ?? {}));
  const totals = new Map<string, number>();
  for (const { reason, count } of destinations.flatMap((d) => d.errors)) {
    totals.set(reason, (totals.get(reason) ?? 0) + count);
  }
  return {
    state: overallState(destinations.map((d) => d.state)),
    errors: [...totals].map(([reason, count]) => ({ reason, count })),
    destinations,
  };
}

function destinationStatus(entry: Record<string, unknown>): GoogleDestinationStatus {
  const raw = typeof entry.requestStatus === 'string' ? entry.requestStatus : '';
  // REQUEST_STATUS_UNKNOWN or a newer value: not final, ask again later.
  const state = (STATES as readonly string[]).includes(raw) ? (raw as GoogleRequestState) : 'PROCESSING';
  const counts = asRecord(entry.errorInfo)?.errorCounts;
  const errors: GoogleErrorCount[] = [];
  for (const item of Array.isArray(counts) ? counts : []) {
    const record = asRecord(item);
    const reason = typeof record?.reason === 'string' ? record.reason.replace(REASON_PREFIX, '') : '';
    if (reason) errors.push({ reason, count: int64(record?.recordCount) ?? 0 });
  }
  const productDestinationId = asRecord(entry.destination)?.productDestinationId;
  const recordCount = int64(asRecord(entry.eventsIngestionStatus)?.recordCount);
  return {
    ...(typeof productDestinationId === 'string' ? { conversionActionId: productDestinationId } : {}),
    state,
    ...(recordCount === undefined ? {} : { recordCount }),
    errors,
  };
}

function overallState(states: GoogleRequestState[]): GoogleRequestState {
  if (states.includes('PROCESSING')) return 'PROCESSING';
  if (states.every((state) => state === 'SUCCESS')) return 'SUCCESS';
  if (states.every((state) => state === 'FAILED')) return 'FAILED';
  return 'PARTIAL_SUCCESS';
}

/** Google sends int64 as a decimal string (JSON numbers lose precision past 2^53); counts fit a number. */
function int64(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
