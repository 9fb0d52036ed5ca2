/**
 * Access tokens for the Data Manager API from a stored refresh token (destinations.md §1, "Auth"):
 * `POST tokenUrl` form-encoded `grant_type=refresh_token&client_id&client_secret&refresh_token` → an access
 * token of about an hour. The token is cached until shortly before it expires, and concurrent callers share
 * one refresh (a batch burst must not hit the token endpoint once per request).
 */
import type { DestinationOutcome } from '../destination';
import { errorText } from '../post-json';

export interface GoogleOAuthCredentials {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  tokenUrl: string;
}

export interface GoogleAccessTokensOptions {
  /** Whole-exchange timeout, default 10 s. */
  timeoutMs?: number;
  /** A token is refreshed this long before Google says it expires (clock skew, slow requests). Default 5 min. */
  refreshMarginMs?: number;
  /** Milliseconds since the epoch; tests move it. */
  clock?: () => number;
}

type TokenFailure = Exclude<DestinationOutcome, { kind: 'accepted' } | { kind: 'invalid_event' }>;

/** The token endpoint refused or could not be reached; `outcome` says whether to pause or retry. */
export class GoogleTokenError extends Error {
  constructor(
    readonly outcome: TokenFailure,
    /** HTTP status of the token endpoint; 0 when no answer came. */
    readonly status: number,
  ) {
    super(outcome.message);
    this.name = 'GoogleTokenError';
  }
}

/** Used when Google leaves `expires_in` out (its tokens live an hour). */
const DEFAULT_EXPIRES_IN_S = 3600;

export class GoogleAccessTokens {
  private cached?: { token: string; refreshAt: number };
  private inflight?: Promise<string>;
  private readonly timeoutMs: number;
  private readonly refreshMarginMs: number;
  private readonly clock: () => number;

  constructor(
    private readonly credentials: GoogleOAuthCredentials,
    options: GoogleAccessTokensOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.refreshMarginMs = options.refreshMarginMs ?? 5 * 60_000;
    this.clock = options.clock ?? Date.now;
  }

  /** A valid access token: the cached one, or a fresh one (shared with concurrent callers). */
  async get(): Promise<string> {
    if (this.cached && this.clock() < this.cached.refreshAt) return this.cached.token;
    return this.refreshOnce();
  }

  /**
   * After Google answered 401 to `rejected`: a new token, unless another caller already replaced it (then
   * that one), so a burst of 401s costs one refresh.
   */
  async refreshAfterRejection(rejected: string): Promise<string> {
    if (this.cached && this.cached.token !== rejected && this.clock() < this.cached.refreshAt) {
      return this.cached.token;
    }
    if (this.cached?.token === rejected) this.cached = undefined;
    return this.refreshOnce();
  }

  private refreshOnce(): Promise<string> {
    this.inflight ??= this.refresh().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async refresh(): Promise<string> {
    const { clientId, clientSecret, refreshToken, tokenUrl } = this.credentials;
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: clientId,
      client_secret: clientSecret,
      refresh_token: refreshToken,
    });
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let status: number;
    let body: Record<string, unknown> | undefined;
    try {
      const response = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        signal: controller.signal,
      });
      status = response.status;
      body = parseObject(await response.text());
    } catch (error) {
      const message = controller.signal.aborted
        ? `Google token endpoint: timeout after ${this.timeoutMs} ms`
        : `Google token endpoint: network error: ${errorText(error)}`;
      throw new GoogleTokenError({ kind: 'transient', message }, 0);
    } finally {
      clearTimeout(timer);
    }

    const token = typeof body?.access_token === 'string' ? body.access_token : '';
    if (status === 200 && token) {
      const expiresInS = Number(body?.expires_in);
      const lifetimeMs =
        (Number.isFinite(expiresInS) && expiresInS > 0 ? expiresInS : DEFAULT_EXPIRES_IN_S) * 1000;
      // Never cache for less than half the lifetime: a short-lived token must still be reused a little.
      const refreshIn = Math.max(lifetimeMs - this.refreshMarginMs, lifetimeMs / 2);
      this.cached = { token, refreshAt: this.clock() + refreshIn };
      return token;
    }
    throw new GoogleTokenError(classifyTokenFailure(status, body), status);
  }
}

/**
 * `invalid_grant` (refresh token expired or revoked: 7 days in "Testing" publishing status, 6 months unused)
 * and other refusals of the credentials need a person (re-consent, fix the client): pause. A 5xx or 429 is
 * the endpoint's problem: retry.
 */
export function classifyTokenFailure(
  status: number,
  body: Record<string, unknown> | undefined,
): TokenFailure {
  const code = typeof body?.error === 'string' ? body.error : undefined;
  const description = typeof body?.error_description === 'string' ? body.error_description : undefined;
  const said = [code, description].filter(Boolean).join(': ') || `HTTP ${status}`;
  const message = `Google token endpoint: ${said}`;
  if (status === 429) return { kind: 'throttled', message };
  if (status >= 500) return { kind: 'transient', message };
  if (code === 'invalid_grant') {
    return { kind: 'config', message: `${message} (re-authorise: create a new GOOGLE_OAUTH_REFRESH_TOKEN)` };
  }
  if (status >= 400) return { kind: 'config', message };
  return { kind: 'unknown', message: `${message}: no access_token in the answer` };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
