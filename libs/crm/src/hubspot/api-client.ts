// HubSpot CRM API calls for the lifecycle join (crm-webhooks.md §1.7): a deal with its value, pipeline and
// contacts (cached briefly; reads made together go out as batch reads, batch-read.ts), a deal's associated
// contacts (v4 associations, paged), a contact's matching properties, the portal's company currency. Plain class over global fetch, no Nest. It never logs:
// contact values and tokens must not reach a log line or an error message.
import { crmRequest, parseRetryAfter, RequestWindow, textOf } from '../api-http';
import { TtlCache } from '../ttl-cache';
import { HUBSPOT_BATCH_LIMIT, readContactProperty, readDeals } from './batch-read';
import { errorIds, HubspotApiError } from './api-errors';

export { HubspotApiError, type HubspotApiErrorDetails } from './api-errors';
import { Coalescer } from './coalescer';
import { currencyOf, DEAL_PROPERTIES, HubspotDeal } from './deal';

export interface HubspotApiClientOptions {
  /** Base URL, e.g. `https://api.hubapi.com` (HUBSPOT_API_URL). */
  apiUrl: string;
  /** Private app access token or OAuth token (HUBSPOT_ACCESS_TOKEN), sent as `Authorization: Bearer`. */
  accessToken: string;
  /** Per request; default 10 s. A timeout is a retryable HubspotApiError. */
  timeoutMs?: number;
  /** Contact property carrying our external_id (HUBSPOT_EXTERNAL_ID_PROPERTY). */
  externalIdProperty: string;
  /** Contact/deal property carrying a Meta Lead Ads lead id (HUBSPOT_LEAD_ID_PROPERTY). */
  leadIdProperty?: string;
  /** How long a deal read serves later asks (default 30 s; bounded to 1,000 deals). */
  dealCacheTtlMs?: number;
  /** Longest Retry-After waited out once on a 429 (default 10 s, HubSpot's window; 0: throw at once). */
  maxRetryWaitMs?: number;
}

/**
 * A contact's join keys. `email`, `phone` and `mobilePhone` are RAW personal data: the caller must
 * normalise and hash them immediately and must never store or log them.
 */
export interface HubspotContact {
  id: string;
  externalId?: string;
  email?: string;
  phone?: string;
  mobilePhone?: string;
  country?: string;
}

export interface HubspotAccount {
  portalId?: string;
  companyCurrency?: string;
}

/** The v4 maximum page size. */
const ASSOCIATIONS_PAGE_LIMIT = 500;
/** Safety stop for a paging cursor that never ends (500 × 200 = 100k contacts on one deal). */
const MAX_PAGES = 200;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_DEAL_CACHE_TTL_MS = 30_000;
const DEAL_CACHE_SIZE = 1000;
/** HubSpot allows 100 requests per 10 s to a private app (crm-webhooks.md §1.7): keep some headroom. */
const BURST_REQUESTS = 90;
const BURST_WINDOW_MS = 10_000;
/** The CRM search has a limit of its own: 5 requests per second per account (§1.7). */
const SEARCH_REQUESTS = 4;
const SEARCH_WINDOW_MS = 1000;
/** How long a read waits for others to share its batch read: short against a webhook's 100 changes. */
const BATCH_LINGER_MS = 10;
/** The company currency rarely changes: one read per 10 minutes. */
const ACCOUNT_CACHE_TTL_MS = 600_000;

interface HubspotObject {
  id?: unknown;
  properties?: Record<string, unknown>;
}

interface AssociationsPage {
  results?: { toObjectId?: unknown }[];
  paging?: { next?: { after?: unknown } };
}

const text = textOf;

/** Query string with literal commas, as HubSpot's examples write `properties=a,b,c`. */
function queryString(query: Record<string, string>): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%2C/gi, ',');
  return Object.entries(query)
    .map(([key, value]) => `${encode(key)}=${encode(value)}`)
    .join('&');
}

export class HubspotApiClient {
  private readonly apiUrl: string;
  private readonly accessToken: string;
  private readonly timeoutMs: number;
  private readonly externalIdProperty: string;
  private readonly leadIdProperty?: string;
  private readonly deals: TtlCache<HubspotDeal | null>;
  private readonly account = new TtlCache<HubspotAccount | null>(ACCOUNT_CACHE_TTL_MS, 1);
  private readonly window = new RequestWindow(BURST_REQUESTS, BURST_WINDOW_MS);
  private readonly searchWindow = new RequestWindow(SEARCH_REQUESTS, SEARCH_WINDOW_MS);
  private readonly maxRetryWaitMs?: number;
  private readonly dealReads: Coalescer<HubspotDeal | null>;
  private readonly contactReads = new Map<string, Coalescer<string | undefined>>();

  constructor(options: HubspotApiClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.accessToken = options.accessToken;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.externalIdProperty = options.externalIdProperty;
    this.leadIdProperty = options.leadIdProperty;
    this.deals = new TtlCache(options.dealCacheTtlMs ?? DEFAULT_DEAL_CACHE_TTL_MS, DEAL_CACHE_SIZE);
    this.maxRetryWaitMs = options.maxRetryWaitMs;
    const properties = [
      ...new Set([...DEAL_PROPERTIES, ...(this.leadIdProperty ? [this.leadIdProperty] : [])]),
    ];
    this.dealReads = new Coalescer<HubspotDeal | null>(
      (ids) => readDeals(this.batchPost, ids, properties, this.leadIdProperty),
      { maxKeys: HUBSPOT_BATCH_LIMIT, lingerMs: BATCH_LINGER_MS, missing: null },
    );
  }

  /**
   * The deal's pipeline, amount, currency, lead id and associated contacts, or null when it does not exist.
   * Deals asked for together share batch reads (2 requests per 100 deals). Served from a short cache, but
   * never from a read older than `changedAt` (the stage change it is for): an amount set just before
   * closing must not come from an earlier read.
   */
  deal(dealId: string, changedAt?: Date): Promise<HubspotDeal | null> {
    return this.deals.get(dealId, () => this.dealReads.load(dealId), changedAt?.getTime());
  }

  /** The portal's company currency (account details), undefined when HubSpot does not say. Cached. */
  async companyCurrency(): Promise<string | undefined> {
    return (await this.accountDetails())?.companyCurrency;
  }

  /** The portal id (the tenant of its webhooks) and company currency; null when unreadable. Cached. */
  accountDetails(): Promise<HubspotAccount | null> {
    return this.account.get('company', async () => {
      const body = await this.get<{ companyCurrency?: unknown; portalId?: unknown }>(
        '/account-info/v3/details',
        '',
        {},
      );
      if (body === null) return null;
      return { portalId: text(body.portalId), companyCurrency: currencyOf(body.companyCurrency) };
    });
  }

  /**
   * One property of a contact (no contact data: used for the lead id), undefined when unset or gone.
   * Contacts asked for together share a batch read.
   */
  contactProperty(contactId: string, property: string): Promise<string | undefined> {
    let reads = this.contactReads.get(property);
    if (!reads) {
      reads = new Coalescer((ids) => readContactProperty(this.batchPost, ids, property), {
        maxKeys: HUBSPOT_BATCH_LIMIT,
        lingerMs: BATCH_LINGER_MS,
        missing: undefined,
      });
      this.contactReads.set(property, reads);
    }
    return reads.load(contactId);
  }

  /** Ids of the contacts associated with a deal, all pages; [] when the deal does not exist. */
  async associatedContactIds(dealId: string): Promise<string[]> {
    const ids = new Set<string>();
    let after: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const query: Record<string, string> = { limit: String(ASSOCIATIONS_PAGE_LIMIT) };
      if (after !== undefined) query.after = after;
      const body = await this.get<AssociationsPage>(
        '/crm/v4/objects/deals/{id}/associations/contacts',
        dealId,
        query,
      );
      if (body === null) return [...ids];
      for (const result of body.results ?? []) {
        const id = text(result.toObjectId);
        if (id !== undefined) ids.add(id);
      }
      const next = text(body.paging?.next?.after);
      if (next === undefined || next === after) return [...ids];
      after = next;
    }
    return [...ids];
  }

  /**
   * A contact's join keys, or null when it does not exist. The raw email and phones are returned only
   * so the caller can hash them at once; never log or persist them.
   */
  async contact(contactId: string): Promise<HubspotContact | null> {
    const properties = ['email', 'phone', 'mobilephone', 'country', this.externalIdProperty];
    const body = await this.get<HubspotObject>('/crm/v3/objects/contacts/{id}', contactId, {
      properties: [...new Set(properties)].join(','),
    });
    if (body === null) return null;
    const props = body.properties ?? {};
    const contact: HubspotContact = { id: text(body.id) ?? contactId };
    const fields: [keyof Omit<HubspotContact, 'id'>, string][] = [
      ['externalId', this.externalIdProperty],
      ['email', 'email'],
      ['phone', 'phone'],
      ['mobilePhone', 'mobilephone'],
      ['country', 'country'],
    ];
    for (const [field, property] of fields) {
      const value = text(props[property]);
      if (value !== undefined) contact[field] = value;
    }
    return contact;
  }

  /** GET with Bearer auth; null on 404; HubspotApiError on anything else that is not 2xx. */
  private get<T>(template: string, id: string, query: Record<string, string>): Promise<T | null> {
    const search = queryString(query);
    const path = template.replace('{id}', encodeURIComponent(id));
    return this.request<T>('GET', template, `${path}${search ? `?${search}` : ''}`);
  }

  /** POST a JSON body: the sweep's search and history reads (reconcile.ts), the batch reads. */
  async post<T>(path: string, body: unknown): Promise<T | null> {
    if (path.endsWith('/search')) await this.searchWindow.take();
    return this.request<T>('POST', path, path, JSON.stringify(body));
  }

  /**
   * A batch read. HubSpot lists unknown ids in a 207's `errors`; should it answer 404 instead, that reads as
   * none found, as a single read's 404 did (a gone deal must not fail its job again and again).
   */
  private readonly batchPost = async <T>(path: string, body: unknown): Promise<T> =>
    (await this.post<T>(path, body)) ?? ({} as T);

  private async request<T>(method: 'GET' | 'POST', template: string, path: string, body?: string) {
    const endpoint = `${method} ${template}`;
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.accessToken}`,
      Accept: 'application/json',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await crmRequest(
      { method, url: `${this.apiUrl}${path}`, headers, body, endpoint },
      {
        crm: 'HubSpot',
        timeoutMs: this.timeoutMs,
        window: this.window,
        maxRetryWaitMs: this.maxRetryWaitMs,
        error: (message, details, answer) =>
          new HubspotApiError(message, { ...details, ...errorIds(answer) }),
      },
    );
    if (response.status === 404) return null;
    const { status } = response;
    if (status >= 200 && status < 300) {
      if (typeof response.body !== 'object' || response.body === null) {
        throw new HubspotApiError(`HubSpot ${endpoint}: unreadable ${status} body`, {
          status,
          retryable: true,
        });
      }
      return response.body as T;
    }
    const retryable = status === 429 || status >= 500;
    throw new HubspotApiError(`HubSpot ${endpoint}: HTTP ${status}`, {
      status,
      retryable,
      retryAfterMs: retryable ? parseRetryAfter(response.headers.get('retry-after')) : undefined,
      ...errorIds(response),
    });
  }
}
