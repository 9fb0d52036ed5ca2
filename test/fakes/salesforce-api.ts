// A local fake of Salesforce's REST API for the join and the sweep (crm-webhooks.md §3.8): node:http on
// 127.0.0.1, random port. `POST /services/oauth2/token` (client-credentials flow: access_token,
// instance_url = this fake, and the identity URL naming the org) and `GET /services/data/{v}/query?q=`
// for the SOQL shapes the client sends (by Id, Id IN, AccountId, SystemModstamp >= … ORDER BY … LIMIT),
// the OpportunityContactRoles sub-query included; results past `pageSize` continue at `nextRecordsUrl`.
// Records every request; can expire its tokens (401 INVALID_SESSION_ID) and fail the next N queries
// (403 REQUEST_LIMIT_EXCEEDED, 429, 5xx).
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeServer, listenLocally } from './local-server';

type Row = Record<string, unknown>;
export type FakeSalesforceObject = 'Opportunity' | 'Contact' | 'Lead';

export interface RecordedSalesforceRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** The form or JSON body as received. */
  body: string;
}

export interface FakeSalesforceOptions {
  clientId?: string;
  clientSecret?: string;
  organizationId?: string;
  /** Records per query answer before `nextRecordsUrl` (default 2000, Salesforce's). */
  pageSize?: number;
}

type Failure = { kind: 'limit' } | { kind: 'status'; status: number; retryAfter?: string };

export class FakeSalesforceApi {
  private server?: Server;
  private url = '';
  private readonly rows: Record<FakeSalesforceObject, Row[]> = { Opportunity: [], Contact: [], Lead: [] };
  /** Opportunity id → its contact roles. */
  private readonly roles = new Map<string, { ContactId: string; IsPrimary: boolean }[]>();
  private readonly tokens = new Set<string>();
  private readonly cursors = new Map<string, Row[]>();
  private recorded: RecordedSalesforceRequest[] = [];
  private failures: Failure[] = [];
  private issued = 0;
  readonly organizationId: string;

  constructor(private readonly options: FakeSalesforceOptions = {}) {
    this.organizationId = options.organizationId ?? '00D5g000004XyZaEAK';
  }

  async start(): Promise<{ url: string }> {
    const server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => this.handle(req, res, body));
    });
    const url = await listenLocally(server);
    this.server = server;
    this.url = url;
    return { url: this.url };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }

  /** A record; `SystemModstamp` defaults to now. */
  add(object: FakeSalesforceObject, row: Row): void {
    this.rows[object].push({ SystemModstamp: new Date().toISOString(), ...row });
  }

  addContactRole(opportunityId: string, contactId: string, isPrimary = false): void {
    this.roles.set(opportunityId, [
      ...(this.roles.get(opportunityId) ?? []),
      { ContactId: contactId, IsPrimary: isPrimary },
    ]);
  }

  /** Every issued token stops working: the next query gets 401 INVALID_SESSION_ID. */
  expireTokens(): void {
    this.tokens.clear();
  }

  /** The next `count` queries are refused: the org's API limit (403) or a status (429 with Retry-After). */
  failNext(count: number, failure: 'REQUEST_LIMIT_EXCEEDED' | number, retryAfter?: string): void {
    for (let i = 0; i < count; i++) {
      this.failures.push(
        failure === 'REQUEST_LIMIT_EXCEEDED'
          ? { kind: 'limit' }
          : { kind: 'status', status: failure, retryAfter },
      );
    }
  }

  requests(): RecordedSalesforceRequest[] {
    return this.recorded.map((r) => ({ ...r, query: { ...r.query }, headers: { ...r.headers } }));
  }

  private handle(req: IncomingMessage, res: ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.recorded.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      body,
    });
    if (req.method === 'POST' && url.pathname === '/services/oauth2/token') return this.token(res, body);
    if (req.method !== 'GET' || !/^\/services\/data\/v\d+\.0\/query/.test(url.pathname)) {
      return send(res, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    }
    const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!auth || !this.tokens.has(auth[1])) {
      return send(res, 401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    const failure = this.failures.shift();
    if (failure?.kind === 'limit') {
      return send(res, 403, [
        { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
      ]);
    }
    if (failure) {
      if (failure.retryAfter) res.setHeader('Retry-After', failure.retryAfter);
      return send(res, failure.status, [{ message: 'unavailable', errorCode: 'SERVER_UNAVAILABLE' }]);
    }
    const more = /\/query\/(01g[\w-]+)$/.exec(url.pathname);
    if (more) return this.page(res, this.cursors.get(more[1]) ?? []);
    const soql = url.searchParams.get('q') ?? '';
    const rows = this.select(soql);
    if (!rows)
      return send(res, 400, [{ message: 'unexpected SOQL in the fake', errorCode: 'MALFORMED_QUERY' }]);
    this.page(res, rows);
  }

  private token(res: ServerResponse, body: string): void {
    const form = new URLSearchParams(body);
    const { clientId = 'fake-client-id-0001', clientSecret = 'fake-client-secret-0001' } = this.options;
    if (form.get('grant_type') !== 'client_credentials') {
      return send(res, 400, {
        error: 'unsupported_grant_type',
        error_description: 'grant type not supported',
      });
    }
    if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
      return send(res, 400, { error: 'invalid_client', error_description: 'invalid client credentials' });
    }
    const token = `00D!fake-token-${++this.issued}`;
    this.tokens.add(token);
    send(res, 200, {
      access_token: token,
      signature: 'c2lnbmF0dXJl',
      scope: 'api',
      instance_url: this.url,
      id: `${this.url}/id/${this.organizationId}/0055g00000ABCDEAA4`,
      token_type: 'Bearer',
      issued_at: String(Date.now()),
    });
  }

  private page(res: ServerResponse, rows: Row[]): void {
    const size = this.options.pageSize ?? 2000;
    const rest = rows.slice(size);
    const body: Row = { totalSize: rows.length, done: rest.length === 0, records: rows.slice(0, size) };
    if (rest.length) {
      const id = `01gFAKE-${this.cursors.size + 1}`;
      this.cursors.set(id, rest);
      body.nextRecordsUrl = `/services/data/v62.0/query/${id}`;
    }
    send(res, 200, body);
  }

  /** The rows the client's SOQL shapes ask for, with the selected fields only; undefined for others. */
  private select(soql: string): Row[] | undefined {
    const m =
      /^SELECT (.+?) FROM (Opportunity|Contact|Lead) WHERE (.+?)(?: ORDER BY (\w+)(?: ASC)?)?(?: LIMIT (\d+))?$/.exec(
        soql.trim(),
      );
    if (!m) return undefined;
    const [, fieldList, object, where, orderBy, limit] = m;
    const filter = this.where(where);
    if (!filter) return undefined;
    let rows = this.rows[object as FakeSalesforceObject].filter(filter);
    if (orderBy) rows = [...rows].sort((a, b) => String(a[orderBy]).localeCompare(String(b[orderBy])));
    if (limit) rows = rows.slice(0, Number(limit));
    const fields = fieldList.replace(/\(SELECT .+? FROM OpportunityContactRoles\)/, 'ROLES').split(/\s*,\s*/);
    return rows.map((row) => {
      const out: Row = {
        attributes: { type: object, url: `/services/data/v62.0/sobjects/${object}/${String(row.Id)}` },
      };
      for (const field of fields) {
        if (field === 'ROLES') {
          const roles = this.roles.get(String(row.Id)) ?? [];
          out.OpportunityContactRoles = roles.length
            ? { totalSize: roles.length, done: true, records: roles }
            : null;
        } else out[field] = row[field] ?? null;
      }
      return out;
    });
  }

  private where(clause: string): ((row: Row) => boolean) | undefined {
    const byId = /^(Id|AccountId) = '(\w+)'$/.exec(clause);
    if (byId) return (row) => row[byId[1]] === byId[2];
    const inIds = /^Id IN \((.+)\)$/.exec(clause);
    if (inIds) {
      const ids = inIds[1].split(/\s*,\s*/).map((id) => id.replace(/'/g, ''));
      return (row) => ids.includes(String(row.Id));
    }
    const since = /^SystemModstamp >= (\S+)$/.exec(clause);
    if (since) return (row) => Date.parse(String(row.SystemModstamp)) >= Date.parse(since[1]);
    return undefined;
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json;charset=UTF-8');
  res.end(JSON.stringify(body));
}
