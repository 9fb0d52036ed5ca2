/**
 * What goes into custom_data.value/currency, and what the audit says when something is left out. Meta
 * ignores a value without a currency, so a value whose currency is unknown (the CRM sent none and
 * DEFAULT_CURRENCY is not set) is not sent, and the note says why.
 */
const CURRENCY = /^[A-Z]{3}$/;
/** Current Lead Ads ids are 15–17 digits (meta-capi.md §5); Meta rejects an event with an invalid one. */
const LEAD_ID = /^\d{15,17}$/;

export const isMetaLeadId = (value: string) => LEAD_ID.test(value);

export interface EventValue {
  value?: number;
  currency?: string;
  /** Why the value was left out; undefined when nothing was. */
  note?: string;
}

export function eventValue(
  value: number | undefined,
  currency?: string,
  defaultCurrency?: string,
): EventValue {
  if (value === undefined || value === null) return {};
  if (!Number.isFinite(value)) return { note: 'value left out: the CRM sent no readable amount' };
  const own = currency?.trim().toUpperCase();
  if (own && CURRENCY.test(own)) return { value, currency: own };
  const fallback = defaultCurrency?.trim().toUpperCase();
  if (fallback && CURRENCY.test(fallback)) return { value, currency: fallback };
  return {
    note: `value ${value} left out: the CRM sent no currency and DEFAULT_CURRENCY is not set`,
  };
}

/** The note for a CRM lead id that is not a Meta Lead Ads id (left out: it would make Meta reject the event). */
export function leadIdNote(leadId: string | undefined, source: string): string | undefined {
  if (leadId === undefined || isMetaLeadId(leadId)) return undefined;
  return `lead_id from ${source} left out: not a Meta Lead Ads id (15-17 digits)`;
}
