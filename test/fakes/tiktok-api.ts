// A local fake of TikTok's Events API 2.0 (destinations.md §2): `POST /open_api/v1.3/event/track/` on
// node:http, 127.0.0.1, random port. Answers like TikTok, errors included as HTTP 200 with a non-zero
// `code`; records every request (headers without `access-token`, the parsed body) and can be scripted.
import { randomBytes } from 'node:crypto';
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeServer, FailureScript, listenLocally } from './local-server';

export type TikTokEventRecord = Record<string, unknown>;
/**
 * permission: 40001; invalid: 40002; throttled: 40100; tokenInvalid: 40105; tokenExpired: 40102;
 * internal: 50000 (HTTP 200); http500: a bare HTTP 500.
 */
export type TikTokFailureKind =
  'permission' | 'invalid' | 'throttled' | 'tokenInvalid' | 'tokenExpired' | 'internal' | 'http500';

export interface RecordedTikTokRequest {
  method: string;
  path: string;
  /** Request headers without `access-token`. */
  headers: IncomingHttpHeaders;
  hadAccessToken: boolean;
  body: Record<string, unknown>;
  data: TikTokEventRecord[];
  status: number;
  response: unknown;
}

export interface FakeTikTokOptions {
  /** When set, any other token is answered with 40105. */
  accessToken?: string;
  /** When set, other pixel codes / CRM event set ids are answered with 40001. */
  eventSourceIds?: string[];
}

const MAX_EVENTS = 1000;
const PATH = '/open_api/v1.3/event/track/';

const requestId = () =>
  `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}${randomBytes(8).toString('hex')}`;

const MESSAGES: Record<Exclude<TikTokFailureKind, 'http500'>, [number, string]> = {
  permission: [40001, 'No permission to operate pixel code'],
  invalid: [40002, 'Batch.0.event_time: Not a valid integer.'],
  throttled: [40100, 'Too many requests. Please retry in some time.'],
  tokenInvalid: [40105, 'The access token is invalid or has been revoked.'],
  tokenExpired: [40102, 'The access token has expired.'],
  internal: [50000, 'System error. Please retry.'],
};

export class FakeTikTokApi {
  private server?: Server;
  private recorded: RecordedTikTokRequest[] = [];
  private accepted: TikTokEventRecord[] = [];
  private readonly failures = new FailureScript<TikTokFailureKind>();
  private rejectWhere?: (event: TikTokEventRecord) => boolean;

  constructor(private readonly options: FakeTikTokOptions = {}) {}

  async start(): Promise<{ url: string }> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ code: 50000, message: 'fake tiktok crashed', request_id: requestId() }));
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

  /** The next `times` requests fail as `kind`. */
  failNext(kind: TikTokFailureKind, times = 1): void {
    this.failures.failNext(kind, times);
  }

  /** Every request fails as `kind` for the next `ms` milliseconds. */
  failFor(kind: TikTokFailureKind, ms: number): void {
    this.failures.failFor(kind, ms);
  }

  /** A request holding any event that matches is refused whole with 40002, naming the first match. */
  rejectEventsWhere(predicate: ((event: TikTokEventRecord) => boolean) | undefined): void {
    this.rejectWhere = predicate;
  }

  events(): TikTokEventRecord[] {
    return [...this.accepted];
  }

  requests(): RecordedTikTokRequest[] {
    return [...this.recorded];
  }

  reset(): void {
    this.recorded = [];
    this.accepted = [];
    this.failures.reset();
    this.rejectWhere = undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const { 'access-token': token, ...headers } = req.headers;
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const record: RecordedTikTokRequest = {
      method: req.method ?? 'GET',
      path,
      headers,
      hadAccessToken: typeof token === 'string' && token !== '',
      body: {},
      data: [],
      status: 0,
      response: undefined,
    };
    this.recorded.push(record);
    const answer = (status: number, body: unknown) => {
      record.status = status;
      record.response = body;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    // TikTok's envelope: HTTP 200 whatever the code.
    const reply = (code: number, message: string) =>
      answer(200, { code, message, request_id: requestId(), data: {} });

    if (req.method !== 'POST' || path !== PATH) return answer(404, { message: 'Not Found' });
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not an object');
      record.body = parsed as Record<string, unknown>;
    } catch {
      return reply(40002, 'Request body is not valid JSON.');
    }
    const data = Array.isArray(record.body.data) ? (record.body.data as TikTokEventRecord[]) : undefined;
    record.data = data ?? [];

    const failure = this.failures.next();
    if (failure === 'http500') return answer(500, 'Internal Server Error');
    if (failure) return reply(...MESSAGES[failure]);
    if (!record.hadAccessToken) return reply(40105, 'Access token is required.');
    if (this.options.accessToken !== undefined && token !== this.options.accessToken) {
      return reply(...MESSAGES.tokenInvalid);
    }
    const source = record.body.event_source;
    const sourceId = record.body.event_source_id;
    if (!['web', 'crm', 'offline', 'app'].includes(String(source)))
      return reply(40002, 'event_source: Invalid value.');
    if (typeof sourceId !== 'string' || !sourceId)
      return reply(40002, 'event_source_id: Missing data for required field.');
    if (this.options.eventSourceIds && !this.options.eventSourceIds.includes(sourceId)) {
      return reply(40001, `No permission to operate event source ${sourceId}`);
    }
    if (!data || data.length === 0) return reply(40002, 'data: Missing data for required field.');
    if (data.length > MAX_EVENTS) return reply(40002, `data: Length must be between 1 and ${MAX_EVENTS}.`);
    for (const [index, event] of data.entries()) {
      if (typeof event.event !== 'string' || !event.event)
        return reply(40002, `Batch.${index}.event: Missing data for required field.`);
      if (!Number.isInteger(event.event_time))
        return reply(40002, `Batch.${index}.event_time: Not a valid integer.`);
      const lead = event.lead as Record<string, unknown> | undefined;
      if (source === 'crm' && !lead?.lead_id)
        return reply(40002, `Batch.${index}.lead.lead_id: Missing data for required field.`);
      if (this.rejectWhere?.(event))
        return reply(40002, `Batch.${index}.properties.value: Not a valid number.`);
    }
    this.accepted.push(...data);
    reply(0, 'OK');
  }
}
