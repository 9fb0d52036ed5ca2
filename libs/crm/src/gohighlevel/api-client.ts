// HighLevel (LeadConnector API v2) calls for the lifecycle join and the reconciliation sweep
// (crm-webhooks.md §2.6): an opportunity, a contact, and the opportunity search. Private integration token
// (or a location OAuth token) as Bearer, `Version: 2021-07-28`. A contact's email and phone are hashed here,
// the moment they arrive: raw values never leave this file. It never logs.
import { normalizeEmail, normalizePhone, sha256Hex } from '@app/journey';
import { CrmApiError, crmRequest, RequestWindow, textOf } from '../api-http';

export interface GoHighLevelApiClientOptions {
  /** Base URL (GHL_API_URL), e.g. `https://services.leadconnectorhq.com`. */
  apiUrl: string;
  /** GHL_API_TOKEN. */
  token: string;
  /** GHL_LOCATION_ID: the sub-account searched, the tenant of its webhooks. */
  locationId: string;
  /** GHL_EXTERNAL_ID_FIELD: the contact custom field id holding our external_id. */
  externalIdField?: string;
  /** Per request; default 10 s. */
  timeoutMs?: number;
  /** Longest Retry-After waited out once on a 429 (default 10 s; 0: throw at once). */
  maxRetryWaitMs?: number;
}

/** The only API version HighLevel's spec lists. */
export const GOHIGHLEVEL_API_VERSION = '2021-07-28';

export class GoHighLevelApiError extends CrmApiError {
  constructor(...args: ConstructorParameters<typeof CrmApiError>) {
    super(...args);
    this.name = 'GoHighLevelApiError';
  }
}

export interface GoHighLevelOpportunity {
  id: string;
  locationId?: string;
  contactId?: string;
  monetaryValue?: number;
  /** open | won | lost | abandoned */
  status?: string;
  pipelineId?: string;
  pipelineStageId?: string;
  lastStatusChangeAt?: string;
  lastStageChangeAt?: string;
  updatedAt?: string;
}

/** A contact's join keys, email and phone already hashed (Meta normalisation + SHA-256). */
export interface GoHighLevelContact {
  id: string;
  externalId?: string;
  emailHashes: string[];
  phoneHashes: string[];
}

export interface GoHighLevelSearchPage {
  opportunities: GoHighLevelOpportunity[];
  /** The next page's cursor; undefined on the last page. */
  next?: GoHighLevelSearchCursor;
}

export interface GoHighLevelSearchCursor {
  startAfter: string;
  startAfterId: string;
}

/**
 * HighLevel's burst limit is 100 requests per 10 s per location (HighLevel's API FAQ; UNVERIFIED here: not
 * in crm-webhooks.md): keep some headroom.
 */
const BURST_REQUESTS = 90;
const BURST_WINDOW_MS = 10_000;
const DEFAULT_TIMEOUT_MS = 10_000;
/** Opportunities per search page (the search's `limit`; 100 is the documented maximum, UNVERIFIED). */
export const GOHIGHLEVEL_SEARCH_LIMIT = 100;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function instant(value: unknown): string | undefined {
  const raw = textOf(value);
  const ms = raw === undefined ? NaN : Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** An opportunity of a `GET /opportunities/{id}` answer or of a search page; unreadable fields left out. */
export function parseGoHighLevelOpportunity(body: Json, fallbackId?: string): GoHighLevelOpportunity | null {
  const id = textOf(body.id) ?? fallbackId;
  if (id === undefined) return null;
  const contact = isObject(body.contact) ? body.contact : {};
  const value = typeof body.monetaryValue === 'number' ? body.monetaryValue : Number(body.monetaryValue);
  const fields: GoHighLevelOpportunity = {
    id,
    locationId: textOf(body.locationId),
    contactId: textOf(body.contactId) ?? textOf(contact.id),
    monetaryValue: body.monetaryValue != null && Number.isFinite(value) ? value : undefined,
    status: textOf(body.status)?.toLowerCase(),
    pipelineId: textOf(body.pipelineId),
    pipelineStageId: textOf(body.pipelineStageId),
    lastStatusChangeAt: instant(body.lastStatusChangeAt),
    lastStageChangeAt: instant(body.lastStageChangeAt),
    updatedAt: instant(body.updatedAt),
  };
  return Object.fromEntries(
    Object.entries(fields).filter(([, v]) => v !== undefined),
  ) as unknown as GoHighLevelOpportunity;
}

export class GoHighLevelApiClient {
  private readonly apiUrl: string;
  private readonly window = new RequestWindow(BURST_REQUESTS, BURST_WINDOW_MS);

  constructor(private readonly options: GoHighLevelApiClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
  }

  /** The location (HighLevel's tenant id in webhooks). */
  get locationId(): string {
    return this.options.locationId;
  }

  /** An opportunity, or null when it does not exist. */
  async opportunity(id: string): Promise<GoHighLevelOpportunity | null> {
    const body = await this.get('/opportunities/{id}', `/opportunities/${encodeURIComponent(id)}`);
    const opportunity = body && isObject(body.opportunity) ? body.opportunity : undefined;
    return opportunity ? parseGoHighLevelOpportunity(opportunity, id) : null;
  }

  /** A contact's external id and hashed email and phone, or null when it does not exist. */
  async contact(id: string): Promise<GoHighLevelContact | null> {
    const body = await this.get('/contacts/{id}', `/contacts/${encodeURIComponent(id)}`);
    const contact = body && isObject(body.contact) ? body.contact : undefined;
    if (!contact) return null;
    const email = textOf(contact.email);
    const phone = textOf(contact.phone);
    const normalisedEmail = email === undefined ? undefined : normalizeEmail(email);
    const normalisedPhone = phone === undefined ? undefined : normalizePhone(phone, textOf(contact.country));
    const field = this.options.externalIdField;
    const custom = Array.isArray(contact.customFields) ? contact.customFields : [];
    const externalId = field ? custom.filter(isObject).find((item) => item.id === field)?.value : undefined;
    return {
      id: textOf(contact.id) ?? id,
      ...(textOf(externalId) && { externalId: textOf(externalId) }),
      emailHashes: normalisedEmail?.ok ? [sha256Hex(normalisedEmail.value)] : [],
      phoneHashes: normalisedPhone?.ok ? [sha256Hex(normalisedPhone.value)] : [],
    };
  }

  /**
   * One page of the location's opportunities, every status (`GET /opportunities/search`, crm-webhooks.md
   * §2.6). The documented parameters have no "updated since" filter and the order of the results is not
   * documented (UNVERIFIED), so the sweep reads every page and keeps what changed since its cursor. The
   * next page's cursor comes from the answer's `meta.startAfter` / `meta.startAfterId` (UNVERIFIED: the
   * shape HighLevel's SDK and public integrations read).
   */
  async searchOpportunities(cursor?: GoHighLevelSearchCursor): Promise<GoHighLevelSearchPage> {
    const query = new URLSearchParams({
      location_id: this.options.locationId,
      status: 'all',
      limit: String(GOHIGHLEVEL_SEARCH_LIMIT),
    });
    if (cursor) {
      query.set('startAfter', cursor.startAfter);
      query.set('startAfterId', cursor.startAfterId);
    }
    const body = await this.get('/opportunities/search', `/opportunities/search?${query}`);
    const list = body && Array.isArray(body.opportunities) ? body.opportunities : [];
    const opportunities = list
      .filter(isObject)
      .map((item) => parseGoHighLevelOpportunity(item))
      .filter((item): item is GoHighLevelOpportunity => item !== null);
    const meta = body && isObject(body.meta) ? body.meta : {};
    const startAfter = textOf(meta.startAfter);
    const startAfterId = textOf(meta.startAfterId);
    const more =
      startAfter &&
      startAfterId &&
      opportunities.length > 0 &&
      (opportunities.length >= GOHIGHLEVEL_SEARCH_LIMIT || meta.nextPage != null || meta.nextPageUrl != null);
    return { opportunities, ...(more && { next: { startAfter, startAfterId } }) };
  }

  /** GET with the token and Version header; null on 404; GoHighLevelApiError on any other non-2xx. */
  private async get(template: string, path: string): Promise<Json | null> {
    const endpoint = `GET ${template}`;
    const response = await crmRequest(
      {
        method: 'GET',
        url: `${this.apiUrl}${path}`,
        endpoint,
        headers: {
          Authorization: `Bearer ${this.options.token}`,
          Version: GOHIGHLEVEL_API_VERSION,
          Accept: 'application/json',
        },
      },
      {
        crm: 'HighLevel',
        timeoutMs: this.options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        window: this.window,
        maxRetryWaitMs: this.options.maxRetryWaitMs,
        error: (message, details) => new GoHighLevelApiError(message, details),
      },
    );
    const { status } = response;
    if (status === 404) return null;
    if (status >= 200 && status < 300) {
      if (isObject(response.body)) return response.body;
      throw new GoHighLevelApiError(`HighLevel ${endpoint}: unreadable ${status} body`, {
        status,
        retryable: true,
      });
    }
    throw new GoHighLevelApiError(`HighLevel ${endpoint}: HTTP ${status}`, {
      status,
      retryable: status >= 500,
    });
  }
}
