// A local fake of LinkedIn's Conversions API (destinations.md §3): `POST /rest/conversionEvents` (BATCH_CREATE)
// and the OAuth refresh `POST /oauth/v2/accessToken`, on node:http, 127.0.0.1, random port. Answers LinkedIn's
// statuses and error bodies, records every request (no `authorization`, the parsed body), can be scripted.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeServer, FailureScript, listenLocally } from './local-server';

export type LinkedInElement = Record<string, unknown>;
export type LinkedInFailureKind =
  'invalidToken' | 'revoked' | 'forbidden' | 'throttled' | 'server' | 'sunset' | 'badRequest';

export interface RecordedLinkedInRequest {
  method: string;
  path: string;
  /** Request headers without `authorization`. */
  headers: IncomingHttpHeaders;
  hadBearer: boolean;
  body: Record<string, unknown>;
  elements: LinkedInElement[];
  status: number;
  response: unknown;
}

export interface RecordedTokenRequest {
  /** The form without `client_secret` and `refresh_token`. */
  form: Record<string, string>;
  status: number;
}

export interface FakeLinkedInOptions {
  /** When set, only this token (and those the fake issues by refresh) is accepted. */
  accessToken?: string;
  /** When set, the refresh endpoint accepts exactly these. */
  oauth?: { clientId: string; clientSecret: string; refreshToken: string };
  /** Versions answered with 426. */
  sunsetVersions?: string[];
}

const MAX_ELEMENTS = 5000;
const URN = /^urn:lla:llaPartnerConversion:\d+$/;

const error = (status: number, code: string, message: string, serviceErrorCode?: number) => ({
  status,
  body: { ...(serviceErrorCode === undefined ? {} : { serviceErrorCode }), code, message },
});
const ERRORS: Record<LinkedInFailureKind, { status: number; body: Record<string, unknown> }> = {
  invalidToken: error(401, 'INVALID_ACCESS_TOKEN', 'Invalid access token', 65600),
  revoked: error(
    401,
    'REVOKED_ACCESS_TOKEN',
    'The token used in the request has been revoked by the user',
    65601,
  ),
  forbidden: error(
    403,
    'ACCESS_DENIED',
    'Not enough permissions to access: conversionEvents.BATCH_CREATE',
    100,
  ),
  throttled: error(429, 'TOO_MANY_REQUESTS', 'Resource level throttle limit reached'),
  server: error(500, 'INTERNAL_SERVER_ERROR', 'Internal Server Error'),
  sunset: error(426, 'NONEXISTENT_VERSION', 'Requested version is not active'),
  badRequest: error(400, 'ILLEGAL_ARGUMENT', 'Invalid request body'),
};

export class FakeLinkedInApi {
  private server?: Server;
  private recorded: RecordedLinkedInRequest[] = [];
  private tokenRecorded: RecordedTokenRequest[] = [];
  private accepted: LinkedInElement[] = [];
  private readonly failures = new FailureScript<LinkedInFailureKind>();
  private rejectWhere?: { predicate: (element: LinkedInElement) => boolean; mode: '422' | 'element' };
  private validTokens = new Set<string>();
  private revoked = false;

  constructor(private readonly options: FakeLinkedInOptions = {}) {
    if (options.accessToken) this.validTokens.add(options.accessToken);
  }

  async start(): Promise<{ url: string; tokenUrl: string }> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ status: 500, message: 'fake linkedin crashed' }));
      });
    });
    const url = await listenLocally(server);
    this.server = server;
    return { url, tokenUrl: `${url}/oauth/v2/accessToken` };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }

  /** The next `times` event requests fail as `kind`. */
  failNext(kind: LinkedInFailureKind, times = 1): void {
    this.failures.failNext(kind, times);
  }

  /** Every event request fails as `kind` for the next `ms` milliseconds. */
  failFor(kind: LinkedInFailureKind, ms: number): void {
    this.failures.failFor(kind, ms);
  }

  /** The member revoked the app: every call is 401 REVOKED_ACCESS_TOKEN and refreshing is `invalid_grant`. */
  revokeToken(): void {
    this.revoked = true;
  }

  /** The tokens in use stop working (401 INVALID_ACCESS_TOKEN); a refresh still issues a new one. */
  expireToken(): void {
    this.validTokens.clear();
    this.validTokens.add(`expired-${randomUUID()}`);
  }

  /**
   * Elements that match are refused: `422` refuses the whole batch naming their indexes; `element` takes
   * the batch (200) with status 400 for those elements.
   */
  rejectElementsWhere(
    predicate: ((element: LinkedInElement) => boolean) | undefined,
    mode: '422' | 'element' = '422',
  ) {
    this.rejectWhere = predicate ? { predicate, mode } : undefined;
  }

  events(): LinkedInElement[] {
    return [...this.accepted];
  }

  requests(): RecordedLinkedInRequest[] {
    return [...this.recorded];
  }

  tokenRequests(): RecordedTokenRequest[] {
    return [...this.tokenRecorded];
  }

  reset(): void {
    this.recorded = [];
    this.tokenRecorded = [];
    this.accepted = [];
    this.failures.reset();
    this.rejectWhere = undefined;
    this.revoked = false;
    this.validTokens = new Set(this.options.accessToken ? [this.options.accessToken] : []);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    const send = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      res.writeHead(status, {
        'Content-Type': 'application/json',
        'x-li-uuid': randomBytes(12).toString('base64'),
        ...extra,
      });
      res.end(JSON.stringify(body));
    };
    if (req.method === 'POST' && path === '/oauth/v2/accessToken') return this.token(raw, send);

    const { authorization, ...headers } = req.headers;
    const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const record: RecordedLinkedInRequest = {
      method: req.method ?? 'GET',
      path,
      headers,
      hadBearer: token !== undefined,
      body: {},
      elements: [],
      status: 0,
      response: undefined,
    };
    this.recorded.push(record);
    const answer = (status: number, body: Record<string, unknown>, extra: Record<string, string> = {}) => {
      record.status = status;
      record.response = status >= 300 ? { status, ...body } : body;
      send(status, record.response, extra);
    };
    if (req.method !== 'POST' || path !== '/rest/conversionEvents') {
      return answer(404, { message: `No virtual resource found: ${path}` });
    }
    try {
      record.body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return answer(400, { message: 'Unable to parse the request body' });
    }
    record.elements = Array.isArray(record.body.elements) ? (record.body.elements as LinkedInElement[]) : [];

    const failure = this.failures.next();
    if (failure) {
      const { status, body } = ERRORS[failure];
      return answer(status, body, failure === 'throttled' ? { 'Retry-After': '2' } : {});
    }
    if (this.revoked) return answer(401, ERRORS.revoked.body);
    if (!token || (this.validTokens.size > 0 && !this.validTokens.has(token))) {
      return answer(401, ERRORS.invalidToken.body);
    }
    const version = req.headers['linkedin-version'];
    if (typeof version !== 'string' || !version)
      return answer(400, { code: 'VERSION_MISSING', message: 'A version must be present' });
    if (this.options.sunsetVersions?.includes(version))
      return answer(426, {
        code: 'NONEXISTENT_VERSION',
        message: `Requested version ${version} is not active`,
      });
    if (
      req.headers['x-restli-protocol-version'] !== '2.0.0' ||
      req.headers['x-restli-method'] !== 'BATCH_CREATE'
    ) {
      return answer(400, {
        message: 'A batch create needs X-Restli-Protocol-Version 2.0.0 and X-RestLi-Method BATCH_CREATE',
      });
    }
    const elements = record.elements;
    if (elements.length === 0 || elements.length > MAX_ELEMENTS) {
      return answer(400, { message: `elements must hold 1..${MAX_ELEMENTS} items` });
    }
    const lines: string[] = [];
    elements.forEach((element, index) => {
      const userIds = (element.user as Record<string, unknown> | undefined)?.userIds;
      if (typeof element.conversion !== 'string' || !URN.test(element.conversion)) {
        lines.push(
          `Index: ${index}, ERROR :: /conversion :: "${String(element.conversion)}" is not a valid URN`,
        );
      } else if (!Number.isInteger(element.conversionHappenedAt)) {
        lines.push(
          `Index: ${index}, ERROR :: /conversionHappenedAt :: field is required but not found and has no default value`,
        );
      } else if (!Array.isArray(userIds) || userIds.length === 0) {
        lines.push(`Index: ${index}, ERROR :: /user/userIds :: array is empty`);
      } else if (this.rejectWhere?.mode === '422' && this.rejectWhere.predicate(element)) {
        lines.push(`Index: ${index}, ERROR :: /user/userIds/0/idValue :: invalid value`);
      }
    });
    if (lines.length) return answer(422, { message: `${lines.join('\n')}\n` });

    const statuses = elements.map((element) => {
      const refused = this.rejectWhere?.mode === 'element' && this.rejectWhere.predicate(element);
      if (!refused) this.accepted.push(element);
      return refused ? { status: 400, error: { message: 'Conversion rule is not active' } } : { status: 201 };
    });
    answer(200, { elements: statuses });
  }

  private token(raw: string, send: (status: number, body: unknown) => void): void {
    const form = Object.fromEntries(new URLSearchParams(raw));
    const { client_secret, refresh_token, ...kept } = form;
    const record: RecordedTokenRequest = { form: kept, status: 0 };
    this.tokenRecorded.push(record);
    const reply = (status: number, body: unknown) => {
      record.status = status;
      send(status, body);
    };
    const expected = this.options.oauth;
    const matches =
      !expected ||
      (form.client_id === expected.clientId &&
        client_secret === expected.clientSecret &&
        refresh_token === expected.refreshToken);
    if (form.grant_type !== 'refresh_token' || !refresh_token) {
      return reply(400, {
        error: 'invalid_request',
        error_description: 'A required parameter "refresh_token" is missing',
      });
    }
    if (this.revoked || !matches) {
      return reply(400, {
        error: 'invalid_grant',
        error_description: 'The provided authorization grant or refresh token is invalid, expired or revoked',
      });
    }
    const accessToken = `AQ${randomBytes(24).toString('base64url')}`;
    this.validTokens.add(accessToken);
    reply(200, {
      access_token: accessToken,
      expires_in: 5_184_000,
      refresh_token,
      refresh_token_expires_in: 31_536_000,
    });
  }
}
