// A local fake of Meta's Graph API for CAPI (meta-capi.md §6): `POST /{version}/{pixelId}/events` on
// node:http, 127.0.0.1, random port. Takes `data` as a JSON body or a form (urlencoded or multipart), each
// event an object or a JSON string, and the token as query or body `access_token` or a Bearer header.
// Records every request (token kept out of query, body and headers), answers Meta's success or error
// envelopes, and can be scripted to fail.
import { randomBytes } from 'node:crypto';
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeServer, listenLocally } from './local-server';

export type GraphEvent = Record<string, unknown>;
export type GraphFailureKind = '500' | '429' | 'token190' | 'tooOld2804003' | 'unknownPixel';

export interface RecordedGraphRequest {
  method: string;
  path: string;
  /** From `/{version}/{pixelId}/events`. */
  version?: string;
  pixelId?: string;
  /** Query parameters without `access_token`. */
  query: Record<string, string>;
  /** Request headers without `authorization`. */
  headers: IncomingHttpHeaders;
  contentType?: string;
  /** The parameters (body, then query), without `access_token`; `data` holds the parsed events. */
  body: Record<string, unknown>;
  data: GraphEvent[];
  testEventCode?: string;
  hadAccessToken: boolean;
  tokenSource?: 'query' | 'body' | 'header';
  /** The token itself, only for assertions; never copied into the fields above. */
  accessToken?: string;
  /** What the fake answered. */
  status: number;
  response: unknown;
}

export interface GraphRejection {
  subcode?: number;
  userTitle?: string;
  userMsg?: string;
}

export interface FakeGraphOptions {
  /** When set, any other token is answered with code 190. */
  accessToken?: string;
  /** When set, any other pixel id is answered like an unknown pixel (code 100, subcode 33). */
  pixelIds?: string[];
}

/** Meta's documented per-request maximum. */
const MAX_EVENTS = 1000;

interface GraphError {
  status: number;
  error: Record<string, unknown>;
  headers?: Record<string, string>;
}

export function fbtraceId(): string {
  return randomBytes(18).toString('base64url').slice(0, 23);
}

const TOO_OLD = {
  error_subcode: 2804003,
  is_transient: false,
  error_user_title: 'Event Timestamp Too Old',
  error_user_msg:
    'The timestamp for this event is too far in the past. Events need to be sent from your server within 7 days of when they occurred. Enter a timestamp that has occurred within the last 7 days.',
};

function graphError(
  status: number,
  code: number,
  message: string,
  extra: object = {},
  type = 'OAuthException',
) {
  return { status, error: { message, type, code, ...extra } } as GraphError;
}

/** Error envelopes as Meta answers them (reference §6; shapes from captured Graph responses). */
function scriptedError(kind: GraphFailureKind, pixelId: string, tokenSource?: string): GraphError {
  switch (kind) {
    case '500':
      return graphError(500, 2, 'An unexpected error has occurred. Please retry your request later.', {
        is_transient: true,
      });
    case '429':
      return graphError(429, 4, '(#4) Application request limit reached', {
        error_subcode: 1504022,
        is_transient: true,
      });
    case 'token190':
      // Graph answers 400 to a bad `access_token` parameter and 401 to a bad Bearer header.
      return {
        ...graphError(
          tokenSource === 'header' ? 401 : 400,
          190,
          'Invalid OAuth access token - Cannot parse access token',
        ),
        headers: {
          'WWW-Authenticate': 'OAuth "Facebook Platform" "invalid_token" "Invalid OAuth access token"',
        },
      };
    case 'tooOld2804003':
      return graphError(400, 100, 'Invalid parameter', TOO_OLD);
    case 'unknownPixel':
      return graphError(
        400,
        100,
        `Unsupported post request. Object with ID '${pixelId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
        { error_subcode: 33 },
        'GraphMethodException',
      );
  }
}

const invalid = (message: string) => graphError(400, 100, message, { is_transient: false });

/** A `data` value: an array of events or one event, each an object or a JSON string (of one or many). */
function eventsOf(value: unknown, depth = 0): GraphEvent[] | undefined {
  if (depth > 4) return undefined;
  if (typeof value === 'string') {
    try {
      return eventsOf(JSON.parse(value), depth + 1);
    } catch {
      return undefined;
    }
  }
  if (Array.isArray(value)) {
    const events: GraphEvent[] = [];
    for (const item of value) {
      const some = eventsOf(item, depth + 1);
      if (some === undefined) return undefined;
      events.push(...some);
    }
    return events;
  }
  return typeof value === 'object' && value !== null ? [value as GraphEvent] : undefined;
}

async function parseBody(raw: Buffer, contentType: string): Promise<Record<string, unknown>> {
  if (raw.length === 0) return {};
  if (contentType.includes('application/json')) {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw new Error('not an object');
    return parsed as Record<string, unknown>;
  }
  // application/x-www-form-urlencoded and multipart/form-data, through the WHATWG parser.
  const form = await new Response(new Uint8Array(raw), {
    headers: { 'content-type': contentType },
  }).formData();
  const fields: Record<string, unknown> = {};
  for (const [rawKey, value] of form.entries()) {
    const key = /^data(\[\d*\])?$/.test(rawKey) ? 'data' : rawKey;
    const text = typeof value === 'string' ? value : await value.text();
    const previous = fields[key];
    if (previous === undefined) fields[key] = key === 'data' ? [text] : text;
    else if (Array.isArray(previous)) previous.push(text);
    else fields[key] = [previous, text];
  }
  return fields;
}

export class FakeGraphApi {
  private server?: Server;
  private recorded: RecordedGraphRequest[] = [];
  private accepted: GraphEvent[] = [];
  private failures: GraphFailureKind[] = [];
  private rejectWhere?: { predicate: (event: GraphEvent) => boolean; rejection: GraphRejection };
  private beforeAccepting?: (request: RecordedGraphRequest) => unknown;

  constructor(private readonly options: FakeGraphOptions = {}) {}

  async start(): Promise<{ url: string }> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json; charset=UTF-8' });
        res.end(JSON.stringify({ error: { message: 'fake graph crashed', code: 1, is_transient: true } }));
      });
    });
    const url = await listenLocally(server);
    this.server = server;
    return { url };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }

  /** The next `count` event requests fail as `kind`. */
  failNext(count: number, kind: GraphFailureKind): void {
    for (let i = 0; i < count; i++) this.failures.push(kind);
  }

  /** A batch holding any event that matches is rejected whole (400, code 100; subcode 2804003 by default). */
  rejectEventsWhere(predicate: ((event: GraphEvent) => boolean) | undefined, rejection: GraphRejection = {}) {
    this.rejectWhere = predicate ? { predicate, rejection } : undefined;
  }

  /**
   * Runs once a request is accepted (its events already in `events()`), and its 200 waits for the hook to
   * settle: a test can act while Meta has the events and the sender has not heard so (e.g. kill the sender).
   */
  onAccepted(hook: ((request: RecordedGraphRequest) => unknown) | undefined): void {
    this.beforeAccepting = hook;
  }

  /** Every accepted event, in arrival order. */
  events(): GraphEvent[] {
    return [...this.accepted];
  }

  requests(): RecordedGraphRequest[] {
    return [...this.recorded];
  }

  /** Forgets requests, accepted events, scripted failures, the rejection predicate and the accept hook. */
  reset(): void {
    this.recorded = [];
    this.accepted = [];
    this.failures = [];
    this.rejectWhere = undefined;
    this.beforeAccepting = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/(v\d+\.\d+)\/([^/]+)\/events\/?$/.exec(url.pathname);
    const contentType = req.headers['content-type'];
    const { authorization, ...headers } = req.headers;
    const query = Object.fromEntries(url.searchParams);
    const record: RecordedGraphRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      version: match?.[1],
      pixelId: match ? decodeURIComponent(match[2]) : undefined,
      query,
      headers,
      contentType,
      body: {},
      data: [],
      hadAccessToken: false,
      status: 0,
      response: undefined,
    };
    this.recorded.push(record);
    const answer = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      record.status = status;
      record.response = body;
      res.writeHead(status, { 'Content-Type': 'application/json; charset=UTF-8', ...extra });
      res.end(JSON.stringify(body));
    };
    const fail = (failure: GraphError) =>
      answer(failure.status, { error: { ...failure.error, fbtrace_id: fbtraceId() } }, failure.headers);

    if (req.method !== 'POST' || !match) {
      return fail(graphError(400, 2500, `Unknown path components: ${url.pathname}`));
    }
    let params: Record<string, unknown>;
    try {
      params = { ...query, ...(await parseBody(Buffer.concat(chunks), contentType ?? '')) };
    } catch {
      return fail(invalid('(#100) Invalid parameter: the request body could not be parsed'));
    }

    const sources = {
      query: url.searchParams.get('access_token') ?? undefined,
      body: typeof params.access_token === 'string' ? params.access_token : undefined,
      header: /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1],
    };
    delete query.access_token;
    delete params.access_token;
    const source = (['query', 'body', 'header'] as const).find((k) => sources[k] !== undefined);
    const token = source && sources[source];
    record.tokenSource = source;
    record.hadAccessToken = token !== undefined && token !== '';
    if (record.hadAccessToken) record.accessToken = token;
    const data = params.data === undefined ? undefined : eventsOf(params.data);
    record.data = data ?? [];
    record.body = { ...params, data: record.data };
    if (typeof params.test_event_code === 'string') record.testEventCode = params.test_event_code;

    const pixelId = record.pixelId ?? '';
    const scripted = this.failures.shift();
    if (scripted) return fail(scriptedError(scripted, pixelId, record.tokenSource));
    if (!record.hadAccessToken) {
      return fail(graphError(400, 104, 'An access token is required to request this resource.'));
    }
    if (this.options.accessToken !== undefined && token !== this.options.accessToken) {
      return fail(scriptedError('token190', pixelId, record.tokenSource));
    }
    if (this.options.pixelIds && !this.options.pixelIds.includes(pixelId)) {
      return fail(scriptedError('unknownPixel', pixelId));
    }
    if (params.data === undefined) return fail(invalid('(#100) The parameter data is required'));
    if (data === undefined || data.length === 0) {
      return fail(invalid('(#100) param data must be an array of event objects'));
    }
    if (record.data.length > MAX_EVENTS) {
      return fail(invalid(`(#100) param data must be an array with at most ${MAX_EVENTS} elements`));
    }
    const reject = this.rejectWhere;
    if (reject && record.data.some((event) => reject.predicate(event))) {
      const { subcode, userTitle, userMsg } = reject.rejection;
      return fail(
        graphError(400, 100, 'Invalid parameter', {
          ...TOO_OLD,
          ...(subcode !== undefined && { error_subcode: subcode }),
          ...(userTitle !== undefined && { error_user_title: userTitle }),
          ...(userMsg !== undefined && { error_user_msg: userMsg }),
        }),
      );
    }
    this.accepted.push(...record.data);
    await this.beforeAccepting?.(record);
    answer(200, { events_received: record.data.length, messages: [], fbtrace_id: fbtraceId() });
  }
}
