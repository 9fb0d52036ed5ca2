/**
 * Sends one batch of CAPI events: `POST {graphUrl}/{apiVersion}/{pixelId}/events` with a JSON body
 * `{ data, test_event_code?, partner_agent?, access_token }` (meta-capi.md §6: `access_token` is a query or body parameter;
 * the body keeps it out of URLs, which proxies and access logs record). The returned exchange is what the
 * dispatch record stores: the request body WITHOUT the token, the response (token redacted, should Meta
 * ever echo it), the status, the classified outcome and the duration.
 */
import type { CapiServerEvent } from './build-event';
import { classifyGraphResponse, type GraphOutcome } from './graph-errors';
import { errorText, parseBody, redact } from '../post-json';
import { MAX_EVENTS_PER_REQUEST } from '../split-batch';

export interface GraphClientOptions {
  /** e.g. https://graph.facebook.com (META_GRAPH_URL). */
  graphUrl: string;
  /** e.g. v24.0 (META_API_VERSION); a bare `24.0` gets its `v`. */
  apiVersion: string;
  /** Whole-exchange timeout, default 10 s. */
  timeoutMs?: number;
  /** `partner_agent` on every request (PARTNER_AGENT): lets Meta attribute the events to this platform. */
  partnerAgent?: string;
}

export interface GraphSendRequest {
  pixelId: string;
  accessToken: string;
  events: CapiServerEvent[];
  testEventCode?: string;
}

export interface GraphExchange {
  outcome: GraphOutcome;
  /** HTTP status; 0 when no response arrived (network error, timeout). */
  status: number;
  /** What was sent, without `access_token`. */
  requestBody: object;
  responseBody: unknown;
  durationMs: number;
}

export class GraphClient {
  private readonly baseUrl: string;
  private readonly apiVersion: string;
  private readonly timeoutMs: number;
  private readonly partnerAgent?: string;

  constructor(options: GraphClientOptions) {
    this.baseUrl = options.graphUrl.replace(/\/+$/, '');
    const version = options.apiVersion.trim().replace(/^\/+|\/+$/g, '');
    this.apiVersion = version.startsWith('v') ? version : `v${version}`;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.partnerAgent = options.partnerAgent?.trim() || undefined;
  }

  /** The endpoint for a pixel (no token in it). */
  eventsUrl(pixelId: string): string {
    return `${this.baseUrl}/${this.apiVersion}/${encodeURIComponent(pixelId)}/events`;
  }

  async send(request: GraphSendRequest): Promise<GraphExchange> {
    const count = request.events.length;
    if (count === 0 || count > MAX_EVENTS_PER_REQUEST) {
      throw new RangeError(`a Graph request carries 1..${MAX_EVENTS_PER_REQUEST} events, got ${count}`);
    }
    const requestBody: { data: CapiServerEvent[]; test_event_code?: string; partner_agent?: string } = {
      data: request.events,
    };
    if (request.testEventCode) requestBody.test_event_code = request.testEventCode;
    if (this.partnerAgent) requestBody.partner_agent = this.partnerAgent;
    const payload = JSON.stringify({ ...requestBody, access_token: request.accessToken });

    const started = performance.now();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const finish = (status: number, responseBody: unknown, outcome: GraphOutcome): GraphExchange => ({
      outcome,
      status,
      requestBody,
      responseBody,
      durationMs: Math.round(performance.now() - started),
    });

    try {
      const response = await fetch(this.eventsUrl(request.pixelId), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: payload,
        signal: controller.signal,
      });
      const text = await response.text();
      const responseBody = redact(parseBody(text), [request.accessToken]);
      return finish(
        response.status,
        responseBody,
        classifyGraphResponse(response.status, responseBody, response.headers),
      );
    } catch (error) {
      const message = controller.signal.aborted
        ? `timeout after ${this.timeoutMs} ms`
        : `network error: ${redact(errorText(error), [request.accessToken])}`;
      return finish(0, undefined, { kind: 'transient', message });
    } finally {
      clearTimeout(timer);
    }
  }
}
