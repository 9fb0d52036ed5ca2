// Salesforce REST API for the lifecycle join and the reconciliation sweep (crm-webhooks.md §3.8): OAuth 2.0
// client-credentials flow (a connected app; the token and its instance_url cached, fetched again once on a
// 401), and SOQL queries following `nextRecordsUrl`. REQUEST_LIMIT_EXCEEDED (403) is treated as throttled.
// Ids and field names are checked before they go into SOQL; it never logs.
import { CrmApiError, crmRequest, type CrmHttpResponse, textOf } from '../api-http';
import { isSalesforceId } from './org-id';

export interface SalesforceApiClientOptions {
  /** SALESFORCE_LOGIN_URL: My Domain (or login.salesforce.com), where the token is asked for. */
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  /** SALESFORCE_API_VERSION, e.g. `v62.0`. */
  apiVersion: string;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Longest Retry-After waited out once when throttled (default 10 s; 0: throw at once). */
  maxRetryWaitMs?: number;
}

export class SalesforceApiError extends CrmApiError {
  constructor(...args: ConstructorParameters<typeof CrmApiError>) {
    super(...args);
    this.name = 'SalesforceApiError';
  }
}

/** One SOQL record: field values by API name (`attributes` left as sent). */
export type SalesforceRecord = Record<string, unknown>;

interface Token {
  accessToken: string;
  instanceUrl: string;
  /** The org id, from the identity URL (`…/id/<orgId>/<userId>`): the tenant of Outbound Messages. */
  organizationId?: string;
}

const DEFAULT_TIMEOUT_MS = 10_000;
/** Safety stop for a query whose `nextRecordsUrl` never ends (2,000 records a batch by default). */
const MAX_QUERY_PAGES = 50;
/** API field names (standard or custom): all that may be put into SOQL besides checked ids. */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;

/** Salesforce's error body: an array of `{ message, errorCode }`. */
function errorCode(response: CrmHttpResponse): string | undefined {
  const first: unknown = Array.isArray(response.body) ? response.body[0] : response.body;
  return typeof first === 'object' && first !== null
    ? textOf((first as Record<string, unknown>).errorCode ?? (first as Record<string, unknown>).error)
    : undefined;
}

/** A SOQL string literal of a checked Salesforce id. */
export function soqlId(id: string): string {
  if (!isSalesforceId(id)) throw new SalesforceApiError('Salesforce: not a record id', { retryable: false });
  return `'${id}'`;
}

/** A SOQL field name, refused unless it is an API name. */
export function soqlField(name: string): string {
  if (!FIELD_NAME.test(name))
    throw new SalesforceApiError('Salesforce: not a field name', { retryable: false });
  return name;
}

/** A SOQL dateTime literal (whole seconds, UTC: SOQL documents no fractional seconds). */
export function soqlDateTime(at: Date): string {
  return new Date(Math.floor(at.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export class SalesforceApiClient {
  private token?: Promise<Token>;
  private readonly loginUrl: string;

  constructor(private readonly options: SalesforceApiClientOptions) {
    this.loginUrl = options.loginUrl.replace(/\/+$/, '');
  }

  /** The org id the token belongs to (the tenant of its Outbound Messages). */
  async organizationId(): Promise<string | undefined> {
    return (await this.currentToken()).organizationId;
  }

  /** Every record of a SOQL query, following `nextRecordsUrl`. */
  async query(soql: string): Promise<SalesforceRecord[]> {
    const records: SalesforceRecord[] = [];
    let path: string | undefined =
      `/services/data/${this.options.apiVersion}/query?q=${encodeURIComponent(soql)}`;
    for (let page = 0; path && page < MAX_QUERY_PAGES; page++) {
      const body = (await this.get(path)) as {
        records?: unknown;
        done?: unknown;
        nextRecordsUrl?: unknown;
      };
      if (Array.isArray(body.records)) {
        records.push(
          ...body.records.filter((r): r is SalesforceRecord => typeof r === 'object' && r !== null),
        );
      }
      path = body.done === false ? textOf(body.nextRecordsUrl) : undefined;
    }
    return records;
  }

  /** GET on the instance with the cached token; a 401 fetches a new token once. */
  private async get(path: string): Promise<unknown> {
    for (let attempt = 0; ; attempt++) {
      const token = await this.currentToken();
      const response = await this.send({
        method: 'GET',
        url: `${token.instanceUrl}${path}`,
        endpoint: 'GET /services/data/{version}/query',
        headers: { Authorization: `Bearer ${token.accessToken}`, Accept: 'application/json' },
      });
      if (response.status === 401 && attempt === 0) {
        // The session expired or was revoked: forget it (unless another call already did) and log in again.
        if (this.token && (await this.token.catch(() => undefined)) === token) this.token = undefined;
        continue;
      }
      return this.read(response, 'GET /services/data/{version}/query');
    }
  }

  private currentToken(): Promise<Token> {
    if (!this.token) {
      const pending = this.login();
      this.token = pending;
      // A failed login is not cached: the next call tries again.
      pending.catch(() => {
        if (this.token === pending) this.token = undefined;
      });
    }
    return this.token;
  }

  /** Client-credentials token request (`POST /services/oauth2/token`, form-encoded). */
  private async login(): Promise<Token> {
    const endpoint = 'POST /services/oauth2/token';
    const response = await this.send({
      method: 'POST',
      url: `${this.loginUrl}/services/oauth2/token`,
      endpoint,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: this.options.clientId,
        client_secret: this.options.clientSecret,
      }).toString(),
    });
    const body = this.read(response, endpoint) as Record<string, unknown>;
    const accessToken = textOf(body.access_token);
    const instanceUrl = textOf(body.instance_url)?.replace(/\/+$/, '');
    if (!accessToken || !instanceUrl) {
      throw new SalesforceApiError(`Salesforce ${endpoint}: no access_token or instance_url`, {
        status: response.status,
        retryable: false,
      });
    }
    const organizationId = /\/id\/(00D[A-Za-z0-9]{12,15})\//.exec(textOf(body.id) ?? '')?.[1];
    return { accessToken, instanceUrl, organizationId };
  }

  private send(request: Parameters<typeof crmRequest>[0]): Promise<CrmHttpResponse> {
    return crmRequest(request, {
      crm: 'Salesforce',
      timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxRetryWaitMs: this.options.maxRetryWaitMs,
      // The org's API request limit: a 403 REQUEST_LIMIT_EXCEEDED, retried later like a 429.
      throttled: (answer) =>
        answer.status === 429 || (answer.status === 403 && errorCode(answer) === 'REQUEST_LIMIT_EXCEEDED'),
      error: (message, details) => new SalesforceApiError(message, details),
    });
  }

  /** The JSON body of a 2xx; SalesforceApiError naming the endpoint, status and error code otherwise. */
  private read(response: CrmHttpResponse, endpoint: string): unknown {
    const { status } = response;
    if (status >= 200 && status < 300 && typeof response.body === 'object' && response.body !== null) {
      return response.body;
    }
    const code = errorCode(response);
    throw new SalesforceApiError(`Salesforce ${endpoint}: HTTP ${status}${code ? ` ${code}` : ''}`, {
      status,
      retryable: status >= 500 || (status >= 200 && status < 300),
      ...(code && { category: code }),
    });
  }
}
