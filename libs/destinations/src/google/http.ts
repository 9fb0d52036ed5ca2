/**
 * One authorised call to the Data Manager API: `Authorization: Bearer <access token>` (never recorded), a
 * whole-exchange timeout, and on 401 one forced token refresh and one retry (an access token can expire or
 * be revoked before its announced lifetime ends). Never throws for an answer or a network failure.
 */
import type { DestinationOutcome } from '../destination';
import { type GoogleAccessTokens, GoogleTokenError } from './oauth-token';
import { errorText, parseBody, redact } from '../post-json';

export interface DataManagerCall {
  method: 'GET' | 'POST';
  url: string;
  body?: unknown;
}

export type DataManagerAnswer =
  /** Google answered (any status). */
  | { kind: 'answer'; status: number; body: unknown; headers: Headers; durationMs: number }
  /** No answer: the token endpoint failed, the network failed or the call timed out. */
  | {
      kind: 'failure';
      outcome: Exclude<DestinationOutcome, { kind: 'accepted' }>;
      body?: unknown;
      durationMs: number;
    };

export class DataManagerHttp {
  constructor(
    private readonly tokens: GoogleAccessTokens,
    private readonly timeoutMs = 10_000,
  ) {}

  async call(request: DataManagerCall): Promise<DataManagerAnswer> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    let token: string;
    try {
      token = await this.tokens.get();
      let answer = await this.once(request, token, started);
      if (answer.kind === 'answer' && answer.status === 401) {
        token = await this.tokens.refreshAfterRejection(token);
        answer = await this.once(request, token, started);
      }
      return answer;
    } catch (error) {
      if (error instanceof GoogleTokenError) {
        return {
          kind: 'failure',
          outcome: error.outcome,
          body: { tokenEndpointStatus: error.status, error: error.message },
          durationMs: elapsed(),
        };
      }
      return {
        kind: 'failure',
        outcome: { kind: 'unknown', message: errorText(error) },
        durationMs: elapsed(),
      };
    }
  }

  private async once(request: DataManagerCall, token: string, started: number): Promise<DataManagerAnswer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await fetch(request.url, {
        method: request.method,
        headers: {
          authorization: `Bearer ${token}`,
          accept: 'application/json',
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: controller.signal,
      });
      const body = redact(parseBody(await response.text()), [token]);
      const durationMs = Math.round(performance.now() - started);
      return { kind: 'answer', status: response.status, body, headers: response.headers, durationMs };
    } catch (error) {
      const message = controller.signal.aborted
        ? `timeout after ${this.timeoutMs} ms`
        : `network error: ${redact(errorText(error), [token])}`;
      return {
        kind: 'failure',
        outcome: { kind: 'transient', message },
        durationMs: Math.round(performance.now() - started),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
