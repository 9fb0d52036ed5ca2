// A HubSpot deal as the lifecycle worker needs it: pipeline, amount and currency, the contacts associated
// with it and (when configured) a Meta Lead Ads lead id: a v3 object body with its `associations=contacts`
// embed, which the batch reads (batch-read.ts, crm-webhooks.md §1.7) put together per deal.

/** Deal properties read besides the configured lead id property. All values arrive as strings. */
export const DEAL_PROPERTIES = [
  'pipeline',
  'dealstage',
  'amount',
  'deal_currency_code',
  'amount_in_home_currency',
] as const;

export interface HubspotDeal {
  id: string;
  /** `default` or a numeric pipeline id. */
  pipeline?: string;
  dealstage?: string;
  /** In the deal's currency (`deal_currency_code`), or the company currency when it has none. */
  amount?: number;
  currency?: string;
  /** The amount converted to the portal's company currency. */
  amountInHomeCurrency?: number;
  /** The raw value of HUBSPOT_LEAD_ID_PROPERTY, when configured and set. */
  leadId?: string;
  contactIds: string[];
  /** False when HubSpot paged the embedded associations: the full list needs the v4 associations read. */
  contactIdsComplete: boolean;
}

interface DealBody {
  id?: unknown;
  properties?: Record<string, unknown>;
  associations?: Record<string, { results?: { id?: unknown }[]; paging?: { next?: unknown } } | undefined>;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
const CURRENCY = /^[A-Za-z]{3}$/;

function text(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function amountOf(value: unknown): number | undefined {
  const raw = text(value);
  const amount = raw !== undefined && NUMBER.test(raw) ? Number(raw) : NaN;
  return Number.isFinite(amount) ? amount : undefined;
}

export function currencyOf(value: unknown): string | undefined {
  const raw = text(value);
  return raw !== undefined && CURRENCY.test(raw) ? raw.toUpperCase() : undefined;
}

/** The deal from HubSpot's `SimplePublicObjectWithAssociations` body; unreadable values are left out. */
export function parseDeal(body: DealBody, dealId: string, leadIdProperty?: string): HubspotDeal {
  const props = body.properties ?? {};
  // The association key is `contacts` when asked by name; some portals answer with the type id `0-1`.
  const contacts = body.associations?.contacts ?? body.associations?.['0-1'];
  const contactIds = [
    ...new Set((contacts?.results ?? []).map((result) => text(result.id)).filter((id) => id !== undefined)),
  ];
  const deal: HubspotDeal = {
    id: text(body.id) ?? dealId,
    contactIds,
    contactIdsComplete: !contacts?.paging?.next,
  };
  const pipeline = text(props.pipeline);
  if (pipeline) deal.pipeline = pipeline;
  const stage = text(props.dealstage);
  if (stage) deal.dealstage = stage;
  const amount = amountOf(props.amount);
  if (amount !== undefined) deal.amount = amount;
  const currency = currencyOf(props.deal_currency_code);
  if (currency) deal.currency = currency;
  const home = amountOf(props.amount_in_home_currency);
  if (home !== undefined) deal.amountInHomeCurrency = home;
  const leadId = leadIdProperty ? text(props[leadIdProperty]) : undefined;
  if (leadId) deal.leadId = leadId;
  return deal;
}

/**
 * The deal's value and its currency: the amount in the deal's own currency when it has one; otherwise the
 * amount in the company currency (`amount_in_home_currency`, else `amount`, which is then in it). Without a
 * known company currency the value comes back alone: the caller applies DEFAULT_CURRENCY or leaves it out.
 */
export function dealValue(
  deal: Pick<HubspotDeal, 'amount' | 'currency' | 'amountInHomeCurrency'>,
  companyCurrency?: string,
): { value?: number; currency?: string } {
  if (deal.amount !== undefined && deal.currency) return { value: deal.amount, currency: deal.currency };
  const value = deal.amountInHomeCurrency ?? deal.amount;
  if (value === undefined) return {};
  return companyCurrency ? { value, currency: companyCurrency } : { value };
}
