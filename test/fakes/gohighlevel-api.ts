// A local fake of HighLevel's API v2 for the join and the sweep (crm-webhooks.md §2.6): node:http on
// 127.0.0.1, random port. Answers `GET /opportunities/{id}` (`{ opportunity }`), `GET /contacts/{id}`
// (`{ contact }`, custom fields as `[{ id, value }]`) and `GET /opportunities/search` (location, `limit`,
// `startAfter`/`startAfterId` paging from `meta`). Needs `Authorization: Bearer` (the token, when given)
// and `Version: 2021-07-28`. Records every request; can be told to fail the next N requests (429 with
// Retry-After, 401, 5xx).
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { closeServer, listenLocally } from './local-server';

export interface FakeGoHighLevelOpportunity {
  id: string;
  contactId?: string;
  monetaryValue?: number;
  status?: 'open' | 'won' | 'lost' | 'abandoned';
  pipelineId?: string;
  pipelineStageId?: string;
  lastStatusChangeAt?: string;
  lastStageChangeAt?: string;
  updatedAt?: string;
}

export interface FakeGoHighLevelContact {
  id: string;
  email?: string;
  phone?: string;
  country?: string;
  customFields?: { id: string; value: string }[];
}

export interface RecordedGoHighLevelRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
}

export interface FakeGoHighLevelOptions {
  /** When set, any other Bearer token is answered 401. */
  token?: string;
  locationId?: string;
  /** Largest search page served, whatever `limit` asks (to exercise paging). */
  pageSize?: number;
}

interface ScriptedFailure {
  status: number;
  retryAfter?: string;
}

export class FakeGoHighLevelApi {
  private server?: Server;
  private readonly opportunities = new Map<string, FakeGoHighLevelOpportunity>();
  private readonly contacts = new Map<string, FakeGoHighLevelContact>();
  private recorded: RecordedGoHighLevelRequest[] = [];
  private failures: ScriptedFailure[] = [];
  readonly locationId: string;

  constructor(private readonly options: FakeGoHighLevelOptions = {}) {
    this.locationId = options.locationId ?? 've9EPM428h8vShlRW1KT';
  }

  async start(): Promise<{ url: string }> {
    const server = createServer((req, res) => this.handle(req, res));
    const url = await listenLocally(server);
    this.server = server;
    return { url };
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await closeServer(server);
  }

  addOpportunity(opportunity: FakeGoHighLevelOpportunity): void {
    this.opportunities.set(opportunity.id, { ...opportunity });
  }

  addContact(contact: FakeGoHighLevelContact): void {
    this.contacts.set(contact.id, { ...contact });
  }

  /** The next `count` requests get `status` (429 with Retry-After when given). */
  failNext(count: number, status = 500, options: { retryAfter?: string } = {}): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, retryAfter: options.retryAfter });
  }

  requests(): RecordedGoHighLevelRequest[] {
    return this.recorded.map((r) => ({ ...r, query: { ...r.query }, headers: { ...r.headers } }));
  }

  reset(): void {
    this.recorded = [];
    this.failures = [];
    this.opportunities.clear();
    this.contacts.clear();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.recorded.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
    });
    req.resume();
    const failure = this.failures.shift();
    if (failure) {
      if (failure.retryAfter !== undefined) res.setHeader('Retry-After', failure.retryAfter);
      const message = failure.status === 429 ? 'Too Many Requests' : `HTTP ${failure.status}`;
      return send(res, failure.status, { statusCode: failure.status, message });
    }
    const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!auth || (this.options.token !== undefined && auth[1] !== this.options.token)) {
      return send(res, 401, { statusCode: 401, message: 'Invalid JWT' });
    }
    if (req.headers.version !== '2021-07-28') {
      return send(res, 400, { statusCode: 400, message: 'version header was not found' });
    }
    if (req.method !== 'GET') return notFound(res);
    if (url.pathname === '/opportunities/search') return this.search(res, url);
    const match = /^\/(opportunities|contacts)\/([^/]+)$/.exec(url.pathname);
    if (!match) return notFound(res);
    const id = decodeURIComponent(match[2]);
    if (match[1] === 'contacts') {
      const contact = this.contacts.get(id);
      if (!contact) return notFound(res);
      return send(res, 200, { contact: this.contactBody(contact) });
    }
    const opportunity = this.opportunities.get(id);
    if (!opportunity) return notFound(res);
    send(res, 200, { opportunity: this.opportunityBody(opportunity) });
  }

  private search(res: ServerResponse, url: URL): void {
    if (url.searchParams.get('location_id') !== this.locationId) {
      return send(res, 403, { statusCode: 403, message: 'The token does not have access to this location.' });
    }
    const asked = Number(url.searchParams.get('limit') ?? '20');
    const limit = Math.min(
      Number.isInteger(asked) && asked > 0 ? asked : 20,
      100,
      this.options.pageSize ?? 100,
    );
    // Newest first by creation, as HighLevel's list views are; the cursor is the last id served.
    const all = [...this.opportunities.values()].reverse();
    const afterId = url.searchParams.get('startAfterId');
    const start = afterId ? all.findIndex((o) => o.id === afterId) + 1 : 0;
    const page = all.slice(start, start + limit);
    const last = page.at(-1);
    send(res, 200, {
      opportunities: page.map((o) => this.opportunityBody(o)),
      meta: {
        total: all.length,
        currentPage: Math.floor(start / limit) + 1,
        ...(last && start + limit < all.length
          ? {
              startAfterId: last.id,
              startAfter: Date.parse(last.updatedAt ?? '2026-01-01T00:00:00Z'),
              nextPage: Math.floor(start / limit) + 2,
              nextPageUrl: `/opportunities/search?location_id=${this.locationId}&startAfterId=${last.id}`,
            }
          : { nextPage: null, nextPageUrl: null }),
      },
    });
  }

  private opportunityBody(o: FakeGoHighLevelOpportunity) {
    return {
      id: o.id,
      name: `Opportunity ${o.id}`,
      monetaryValue: o.monetaryValue ?? 0,
      pipelineId: o.pipelineId ?? 'VDm7RPYC2GLUvdpKmBfC',
      pipelineStageId: o.pipelineStageId ?? 'e93ba61a-53b3-45e7-985a-c7732dbcdb69',
      status: o.status ?? 'open',
      source: 'form',
      lastStatusChangeAt: o.lastStatusChangeAt ?? null,
      lastStageChangeAt: o.lastStageChangeAt ?? null,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: o.updatedAt ?? '2026-01-01T00:00:00.000Z',
      contactId: o.contactId ?? null,
      locationId: this.locationId,
    };
  }

  private contactBody(c: FakeGoHighLevelContact) {
    return {
      id: c.id,
      locationId: this.locationId,
      email: c.email ?? null,
      emailLowerCase: c.email?.toLowerCase() ?? null,
      phone: c.phone ?? null,
      country: c.country ?? null,
      customFields: c.customFields ?? [],
      dateAdded: '2026-01-01T00:00:00.000Z',
    };
  }
}

function notFound(res: ServerResponse): void {
  send(res, 404, { statusCode: 404, message: 'Not found' });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
