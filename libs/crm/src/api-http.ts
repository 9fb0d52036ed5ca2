// What the CRM API clients share: a request with a timeout, a client-side request window (so a sweep stays
// under a CRM's burst limit instead of hitting it), and one wait-and-retry when the CRM says it is throttled
// and names a short wait. Plain functions over global fetch, no Nest. Error messages name the endpoint and
// status only: never a body, a token or contact data.

export interface CrmApiErrorDetails {
  /** HTTP status; undefined for a network failure or timeout. */
  status?: number;
  retryable: boolean;
  /** From Retry-After (seconds or HTTP date), when the CRM sent one. */
  retryAfterMs?: number;
  /** The CRM's error code or category (e.g. `RATE_LIMIT`, `REQUEST_LIMIT_EXCEEDED`). */
  category?: string;
}

/** A failed CRM API call; each CRM has its own subclass (HubspotApiError, ...). */
export class CrmApiError extends Error {
  readonly status?: number;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly category?: string;

  constructor(message: string, details: CrmApiErrorDetails) {
    super(message);
    this.name = 'CrmApiError';
    this.status = details.status;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs;
    this.category = details.category;
  }
}

/** Parses Retry-After: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * At most `max` requests in any `windowMs` (a sliding window per client): a caller over it waits for the
 * oldest request to leave the window. Per process: replicas share the CRM's limit, so leave headroom.
 */
export class RequestWindow {
  private readonly sent: number[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Resolves when one more request fits the window (callers are served in order). */
  take(): Promise<void> {
    const turn = this.queue.then(async () => {
      for (;;) {
        const now = this.now();
        while (this.sent.length && this.sent[0]! <= now - this.windowMs) this.sent.shift();
        if (this.sent.length < this.max) break;
        await sleep(this.sent[0]! + this.windowMs - now);
      }
      this.sent.push(this.now());
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }
}

export interface CrmHttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** Sent as is (JSON or a form). */
  body?: string;
  /** For messages: `GET /opportunities/{id}`, never the URL with its ids or query. */
  endpoint: string;
}

export interface CrmHttpResponse {
  status: number;
  headers: Headers;
  /** The JSON body, undefined when empty or not JSON. */
  body: unknown;
}

export interface CrmHttpOptions {
  /** The CRM's name in messages. */
  crm: string;
  timeoutMs: number;
  window?: RequestWindow;
  /** Waits up to this long, once, when throttled with a Retry-After (default 10 s; 0: never wait). */
  maxRetryWaitMs?: number;
  /** Whether an answer means "throttled" (default: 429). Salesforce also says so with a 403. */
  throttled?: (response: CrmHttpResponse) => boolean;
  /** Builds the CRM's error; `response` is the throttled answer, when there was one (for its error ids). */
  error: (message: string, details: CrmApiErrorDetails, response?: CrmHttpResponse) => CrmApiError;
}

const DEFAULT_MAX_RETRY_WAIT_MS = 10_000;

async function send(request: CrmHttpRequest, options: CrmHttpOptions): Promise<CrmHttpResponse> {
  await options.window?.take();
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw options.error(`${options.crm} ${request.endpoint}: ${timedOut ? 'timed out' : 'network error'}`, {
      retryable: true,
    });
  }
  const raw = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = raw === '' ? undefined : JSON.parse(raw);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, body };
}

/**
 * One request. A throttled answer with a Retry-After of at most `maxRetryWaitMs` is waited out and tried
 * once more; a longer (or a second) one is thrown as retryable with `retryAfterMs`, so the job's back-off
 * takes over. Other answers are returned for the client to read.
 */
export async function crmRequest(request: CrmHttpRequest, options: CrmHttpOptions): Promise<CrmHttpResponse> {
  const isThrottled = options.throttled ?? ((response) => response.status === 429);
  const maxWait = options.maxRetryWaitMs ?? DEFAULT_MAX_RETRY_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    const response = await send(request, options);
    if (!isThrottled(response)) return response;
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    if (attempt === 0 && retryAfterMs !== undefined && retryAfterMs <= maxWait) {
      await sleep(retryAfterMs);
      continue;
    }
    throw options.error(
      `${options.crm} ${request.endpoint}: HTTP ${response.status} (throttled)`,
      { status: response.status, retryable: true, retryAfterMs, category: 'RATE_LIMIT' },
      response,
    );
  }
}

/** Non-blank text of a JSON value (numbers as text): what the CRMs return as ids and field values. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
