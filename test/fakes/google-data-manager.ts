// A local fake of Google's OAuth token endpoint and the Data Manager API (destinations.md §1) on node:http,
// 127.0.0.1, random port: `POST /token` (refresh-token grant), `POST /v1/events:ingest`,
// `GET /v1/requestStatus:retrieve`. Answers Google's error envelope, records every request (no bearer token,
// client secret or refresh token in the record), and can be scripted to fail.
import { randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import {
  checkIngestBody,
  type FakeGoogleOptions,
  type GoogleError,
  type GoogleFailureKind,
  googleError,
  scripted,
  TOKEN_FAILURES,
} from './google-data-manager-answers';
import { closeServer, listenLocally } from './local-server';

export type { FakeGoogleOptions, GoogleFailureKind } from './google-data-manager-answers';

export interface RecordedGoogleRequest {
  endpoint: 'token' | 'ingest' | 'status' | 'unknown';
  method: string;
  path: string;
  query: Record<string, string>;
  /** Request headers without `authorization`. */
  headers: IncomingHttpHeaders;
  /** Parsed JSON (ingest) or form (token, with `client_secret` and `refresh_token` replaced by `[redacted]`). */
  body: Record<string, unknown>;
  /** The bearer token, only for assertions; never copied into the fields above. */
  bearer?: string;
  status: number;
  response: unknown;
}

export interface GoogleRequestStatusScript {
  requestStatus: 'SUCCESS' | 'PROCESSING' | 'FAILED' | 'PARTIAL_SUCCESS';
  errorCounts?: { reason: string; recordCount: number }[];
}

export class FakeGoogleDataManager {
  private server?: Server;
  private recorded: RecordedGoogleRequest[] = [];
  private accepted: Record<string, unknown>[] = [];
  private failures: GoogleFailureKind[] = [];
  private timedFailures: { kind: GoogleFailureKind; until: number }[] = [];
  private issued = new Set<string>();
  private statuses = new Map<
    string,
    GoogleRequestStatusScript & { destinations: unknown[]; events: number }
  >();
  private nextStatus?: GoogleRequestStatusScript;

  constructor(private readonly options: FakeGoogleOptions = {}) {}

  async start(): Promise<{ url: string; tokenUrl: string }> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify(googleError(500, 'INTERNAL', 'fake crashed')));
      });
    });
    const url = await listenLocally(server);
    this.server = server;
    return { url, tokenUrl: `${url}/token` };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }

  /** The next `times` requests to the endpoint `kind` belongs to (token or API) fail as `kind`. */
  failNext(kind: GoogleFailureKind, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(kind);
  }

  /** Every request to `kind`'s endpoint fails as `kind` for the next `ms` milliseconds. */
  failFor(kind: GoogleFailureKind, ms: number): void {
    this.timedFailures.push({ kind, until: Date.now() + ms });
  }

  /** The status the next accepted request reports (default: SUCCESS, no errors). */
  nextRequestStatus(status: GoogleRequestStatusScript): void {
    this.nextStatus = status;
  }

  /** Access tokens issued so far stop working (as if expired): the next API call answers 401. */
  expireAccessTokens(): void {
    this.issued.clear();
  }

  requests(): RecordedGoogleRequest[] {
    return [...this.recorded];
  }

  /** Every accepted event, in arrival order. */
  events(): Record<string, unknown>[] {
    return [...this.accepted];
  }

  reset(): void {
    this.recorded = [];
    this.accepted = [];
    this.failures = [];
    this.timedFailures = [];
    this.statuses.clear();
    this.nextStatus = undefined;
  }

  private takeFailure(forToken: boolean): GoogleFailureKind | undefined {
    const fits = (kind: GoogleFailureKind) => TOKEN_FAILURES.includes(kind) === forToken;
    const timed = this.timedFailures.find((f) => f.until > Date.now() && fits(f.kind));
    if (timed) return timed.kind;
    const index = this.failures.findIndex(fits);
    return index < 0 ? undefined : this.failures.splice(index, 1)[0];
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const { authorization, ...headers } = req.headers;
    const endpoint =
      url.pathname === '/token'
        ? 'token'
        : url.pathname === '/v1/events:ingest'
          ? 'ingest'
          : url.pathname === '/v1/requestStatus:retrieve'
            ? 'status'
            : 'unknown';
    const record: RecordedGoogleRequest = {
      endpoint,
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: {},
      bearer: /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1],
      status: 0,
      response: undefined,
    };
    this.recorded.push(record);
    const answer = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      record.status = status;
      record.response = body;
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...extra });
      res.end(JSON.stringify(body));
    };
    const fail = (error: GoogleError) => answer(error.status, error.body, error.headers);

    if (endpoint === 'token') return this.token(raw, record, answer, fail);
    if (endpoint === 'unknown')
      return fail({ status: 404, body: googleError(404, 'NOT_FOUND', 'Not found') });
    const failure = this.takeFailure(false);
    if (failure) return fail(scripted(failure));
    if (!record.bearer || !this.issued.has(record.bearer)) return fail(scripted('unauthenticated'));
    if (endpoint === 'status') return this.status(url.searchParams.get('requestId') ?? '', answer, fail);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return fail({
        status: 400,
        body: googleError(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.'),
      });
    }
    record.body = body;
    const problem = checkIngestBody(body, this.options);
    if (problem) return fail(problem);
    const events = body.events as Record<string, unknown>[];
    const requestId = randomUUID();
    const script = this.nextStatus ?? { requestStatus: 'SUCCESS' as const };
    this.nextStatus = undefined;
    if (body.validateOnly !== true) {
      this.accepted.push(...events);
      this.statuses.set(requestId, {
        ...script,
        destinations: body.destinations as unknown[],
        events: events.length,
      });
    }
    answer(200, { requestId });
  }

  private token(
    raw: string,
    record: RecordedGoogleRequest,
    answer: (status: number, body: unknown) => void,
    fail: (error: GoogleError) => void,
  ): void {
    const form = Object.fromEntries(new URLSearchParams(raw));
    record.body = { ...form };
    for (const secret of ['client_secret', 'refresh_token'])
      if (secret in form) record.body[secret] = '[redacted]';
    const failure = this.takeFailure(true);
    if (failure) return fail(scripted(failure));
    const { clientId, clientSecret, refreshToken } = this.options;
    if (form.grant_type !== 'refresh_token') {
      return answer(400, { error: 'unsupported_grant_type', error_description: 'Invalid grant_type' });
    }
    if ((clientId && form.client_id !== clientId) || (clientSecret && form.client_secret !== clientSecret)) {
      return answer(401, { error: 'invalid_client', error_description: 'The OAuth client was not found.' });
    }
    if (!form.refresh_token || (refreshToken && form.refresh_token !== refreshToken))
      return fail(scripted('invalidGrant'));
    const accessToken = `ya29.fake-${randomUUID()}`;
    this.issued.add(accessToken);
    answer(200, {
      access_token: accessToken,
      expires_in: this.options.accessTokenTtlS ?? 3599,
      scope: 'https://www.googleapis.com/auth/datamanager',
      token_type: 'Bearer',
    });
  }

  private status(
    requestId: string,
    answer: (status: number, body: unknown) => void,
    fail: (e: GoogleError) => void,
  ) {
    const known = this.statuses.get(requestId);
    if (!known) {
      return fail({
        status: 400,
        body: googleError(400, 'INVALID_ARGUMENT', 'Invalid request id.', 'INVALID_REQUEST_ID'),
      });
    }
    answer(200, {
      requestStatusPerDestination: known.destinations.map((destination) => ({
        destination,
        requestStatus: known.requestStatus,
        errorInfo: {
          errorCounts: (known.errorCounts ?? []).map((e) => ({
            reason: e.reason,
            recordCount: String(e.recordCount),
          })),
        },
        eventsIngestionStatus: { recordCount: String(known.events) },
      })),
    });
  }
}
