// A local fake of HubSpot's CRM API for the lifecycle join (crm-webhooks.md §1.7): node:http on 127.0.0.1,
// random port. Answers the paths HubSpot documents: v4 deal→contact associations (paged), v3 contact and
// deal reads with `properties=` and v3 `associations=contacts` (a deal's amount, deal_currency_code and
// amount_in_home_currency included), the account details with the company currency, the sweep's CRM
// search (hubspot-search.ts), and the batch reads of deals, contacts (stage history included) and v4
// deal→contact associations (hubspot-batch.ts, hubspot-associations.ts). Records every request; can be told to fail the next N.
import { randomUUID } from 'node:crypto';
import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { associationsBatchAnswer, associationsPage, V4_MAX_LIMIT } from './hubspot-associations';
import { batchReadAnswer } from './hubspot-batch';
import { type HistoryEntry, postAnswer, recordStage, searchAnswer } from './hubspot-search';
import { closeServer, listenLocally } from './local-server';

export interface FakeHubspotContact {
  id: string;
  email?: string;
  phone?: string;
  mobilePhone?: string;
  country?: string;
  /** Stored under the fake's `externalIdProperty`. */
  externalId?: string;
  /** Any other properties, by HubSpot internal name. */
  properties?: Record<string, string | null>;
}

export interface FakeHubspotDeal {
  id: string;
  pipeline?: string;
  dealstage?: string;
  /** As HubSpot stores it: a string in the deal's currency. */
  amount?: string;
  /** Set on deals in a currency other than the company currency (multi-currency portals). */
  currency?: string;
  contactIds: string[];
  properties?: Record<string, string | null>;
}

export interface RecordedHubspotRequest {
  method: string;
  /** Path without the query string, e.g. `/crm/v3/objects/contacts/201`. */
  path: string;
  query: Record<string, string>;
  /** Node's lower-case headers, `authorization` included so tests can assert the Bearer token. */
  headers: IncomingHttpHeaders;
  /** A POST's JSON body as sent. */
  body?: string;
}

export interface FakeHubspotOptions {
  /** When set, any other Bearer token is answered 401 (HubSpot's INVALID_AUTHENTICATION). */
  accessToken?: string;
  /** Contact property holding `externalId`; default `journey_external_id`. */
  externalIdProperty?: string;
  /** Largest v4 associations page the fake serves, whatever `limit` asks (to exercise paging). */
  associationsPageSize?: number;
  /** The portal's company currency in the account details; default USD. */
  companyCurrency?: string;
}

interface ScriptedFailure {
  status: number;
  retryAfter?: string;
}

export class FakeHubspotApi {
  private server?: Server;
  private url = '';
  private readonly contacts = new Map<string, Record<string, string | null>>();
  private readonly deals = new Map<
    string,
    { properties: Record<string, string | null>; contactIds: string[] }
  >();
  private readonly histories = new Map<string, HistoryEntry[]>();
  private recorded: RecordedHubspotRequest[] = [];
  private failures: ScriptedFailure[] = [];
  /** Search pages (their `after`) answered 500 once: a sweep interrupted mid-run. */
  private readonly failingPages = new Set<string>();
  private readonly externalIdProperty: string;

  constructor(private readonly options: FakeHubspotOptions = {}) {
    this.externalIdProperty = options.externalIdProperty ?? 'journey_external_id';
  }

  async start(): Promise<{ url: string }> {
    const server = createServer((req, res) => this.handle(req, res));
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

  addContact(contact: FakeHubspotContact): void {
    const properties: Record<string, string | null> = {
      hs_object_id: contact.id,
      email: contact.email ?? null,
      phone: contact.phone ?? null,
      mobilephone: contact.mobilePhone ?? null,
      country: contact.country ?? null,
      [this.externalIdProperty]: contact.externalId ?? null,
      ...contact.properties,
    };
    this.contacts.set(contact.id, properties);
  }

  addDeal(deal: FakeHubspotDeal): void {
    const properties: Record<string, string | null> = {
      hs_object_id: deal.id,
      pipeline: deal.pipeline ?? null,
      dealstage: deal.dealstage ?? null,
      amount: deal.amount ?? null,
      deal_currency_code: deal.currency ?? null,
      // HubSpot computes it: equal to the amount for a deal in the company currency (no rates in the fake).
      amount_in_home_currency: deal.currency ? null : (deal.amount ?? null),
      ...deal.properties,
    };
    this.deals.set(deal.id, { properties, contactIds: [...deal.contactIds] });
  }

  /**
   * Sets a deal's stage (or a contact's lifecycle stage), as of `at`, for the sweep: the stage, the
   * last-modified date the search filters on, and the stage history entry the batch read returns.
   */
  setStage(objectType: 'deal' | 'contact', id: string, stage: string, at: Date): void {
    const record = objectType === 'deal' ? this.deals.get(id)?.properties : this.contacts.get(id);
    if (!record) throw new Error(`no ${objectType} ${id} in the HubSpot fake`);
    recordStage(record, this.histories, { objectType, id, stage, at });
  }

  /** The next `count` requests get `status` (e.g. 429 or 500) in HubSpot's error shape. */
  failNext(count: number, status = 500, options: { retryAfter?: string } = {}): void {
    for (let i = 0; i < count; i++) this.failures.push({ status, retryAfter: options.retryAfter });
  }

  /** The next search asking for the page at `after` (e.g. '100', the second) gets a 500, once. */
  failSearchPage(after: string): void {
    this.failingPages.add(after);
  }

  requests(): RecordedHubspotRequest[] {
    return this.recorded.map((r) => ({ ...r, query: { ...r.query }, headers: { ...r.headers } }));
  }

  /** Forgets requests, scripted failures and seeded records. */
  reset(): void {
    this.recorded = [];
    this.failures = [];
    this.failingPages.clear();
    this.contacts.clear();
    this.deals.clear();
    this.histories.clear();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => this.answer(req, res, raw));
  }

  private answer(req: IncomingMessage, res: ServerResponse, raw: string): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    this.recorded.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...req.headers },
      ...(raw && { body: raw }),
    });
    const failure = this.failures.shift();
    if (failure) return this.fail(res, failure);

    const auth = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!auth || (this.options.accessToken !== undefined && auth[1] !== this.options.accessToken)) {
      return send(res, 401, {
        status: 'error',
        message:
          'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
        correlationId: randomUUID(),
        category: 'INVALID_AUTHENTICATION',
      });
    }
    const post = /^\/crm\/v3\/objects\/(deals|contacts)\/(search|batch\/read)$/.exec(url.pathname);
    if (req.method === 'POST' && post) return this.post(res, post[1], post[2], raw);
    if (
      req.method === 'POST' &&
      /^\/crm\/v4\/associations\/(deals|0-3)\/(contacts|0-1)\/batch\/read$/.test(url.pathname)
    ) {
      return this.post(res, 'associations', 'batch/read', raw);
    }
    if (req.method !== 'GET') return notFound(res);
    if (url.pathname === '/account-info/v3/details') {
      return send(res, 200, {
        portalId: 62515,
        accountType: 'STANDARD',
        timeZone: 'US/Eastern',
        companyCurrency: this.options.companyCurrency ?? 'USD',
        additionalCurrencies: [],
        utcOffset: '-05:00',
        utcOffsetMilliseconds: -18000000,
        uiDomain: 'app.hubspot.com',
        dataHostingLocation: 'na1',
      });
    }

    const v4 = /^\/crm\/v4\/objects\/(?:deals|0-3)\/([^/]+)\/associations\/(?:contacts|0-1)$/.exec(
      url.pathname,
    );
    if (v4) {
      const contactIds = this.deals.get(decodeURIComponent(v4[1]))?.contactIds;
      if (!contactIds) return notFound(res);
      return send(res, 200, associationsPage(contactIds, url, this.url, this.options.associationsPageSize));
    }
    const v3 = /^\/crm\/v3\/objects\/(contacts|deals|0-1|0-3)\/([^/]+)$/.exec(url.pathname);
    if (!v3) return notFound(res);
    const isDeal = v3[1] === 'deals' || v3[1] === '0-3';
    const id = decodeURIComponent(v3[2]);
    const record = isDeal ? this.deals.get(id)?.properties : this.contacts.get(id);
    if (!record) return notFound(res);

    const requested = (url.searchParams.get('properties') ?? '').split(',').filter((p) => p !== '');
    const defaults = isDeal
      ? ['dealname', 'amount', 'closedate', 'pipeline', 'dealstage']
      : ['email', 'firstname', 'lastname'];
    const properties: Record<string, string | null> = {
      createdate: '2026-01-01T00:00:00.000Z',
      hs_lastmodifieddate: '2026-01-01T00:00:00.000Z',
      hs_object_id: id,
    };
    for (const name of requested.length > 0 ? requested : defaults) properties[name] = record[name] ?? null;
    const body: Record<string, unknown> = {
      id,
      properties,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
      archived: false,
    };
    const contactIds = isDeal ? (this.deals.get(id)?.contactIds ?? []) : [];
    if (url.searchParams.get('associations')?.split(',').includes('contacts') && contactIds.length > 0) {
      body.associations = {
        contacts: { results: contactIds.map((c) => ({ id: c, type: 'deal_to_contact' })) },
      };
    }
    send(res, 200, body);
  }

  private post(res: ServerResponse, type: string, action: string, raw: string): void {
    const records =
      type === 'deals' ? new Map([...this.deals].map(([id, deal]) => [id, deal.properties])) : this.contacts;
    const after = action === 'search' && /"after":"(\d+)"/.exec(raw)?.[1];
    if (after && this.failingPages.delete(after)) return this.fail(res, { status: 500 });
    const pageSize = Math.min(V4_MAX_LIMIT, this.options.associationsPageSize ?? V4_MAX_LIMIT);
    const answer = postAnswer(raw, (body) => {
      if (type === 'associations') {
        return associationsBatchAnswer((id) => this.deals.get(id)?.contactIds, body, pageSize);
      }
      return action === 'search'
        ? searchAnswer(records, body)
        : batchReadAnswer(type, records, this.histories, body);
    });
    send(res, answer.status, answer.body);
  }

  private fail(res: ServerResponse, failure: ScriptedFailure): void {
    const correlationId = randomUUID();
    if (failure.retryAfter !== undefined) res.setHeader('Retry-After', failure.retryAfter);
    if (failure.status === 429) {
      res.setHeader('X-HubSpot-RateLimit-Interval-Milliseconds', '10000');
      res.setHeader('X-HubSpot-RateLimit-Max', '100');
      res.setHeader('X-HubSpot-RateLimit-Remaining', '0');
      return send(res, 429, {
        status: 'error',
        message: 'You have reached your ten_secondly_rolling limit.',
        errorType: 'RATE_LIMIT',
        correlationId,
        policyName: 'TEN_SECONDLY_ROLLING',
      });
    }
    send(res, failure.status, {
      status: 'error',
      message: failure.status >= 500 ? 'internal error' : `HTTP ${failure.status}`,
      correlationId,
      category: failure.status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_ERROR',
    });
  }
}

function notFound(res: ServerResponse): void {
  send(res, 404, {
    status: 'error',
    message: 'resource not found',
    correlationId: randomUUID(),
    category: 'OBJECT_NOT_FOUND',
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json;charset=utf-8');
  res.end(JSON.stringify(body));
}
