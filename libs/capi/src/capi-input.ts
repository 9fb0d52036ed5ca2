/** Meta contact keys whose values arrive already normalised and SHA-256 hashed (never raw). */
export type HashedKey = 'em' | 'ph' | 'fn' | 'ln' | 'ct' | 'st' | 'zp' | 'country' | 'db' | 'ge';

/** Campaign data of one touchpoint (first or last touch). */
export interface TouchSummary {
  occurredAt: Date;
  url?: string;
  utm_source?: string | null;
  utm_medium?: string | null;
  utm_campaign?: string | null;
  utm_term?: string | null;
  utm_content?: string | null;
  utm_id?: string | null;
  fbclid?: string | null;
  gclid?: string | null;
  gbraid?: string | null;
  wbraid?: string | null;
  ttclid?: string | null;
  msclkid?: string | null;
  li_fat_id?: string | null;
}

/** What the journey knows about the person, as the join found it. */
export interface JourneyContext {
  /** Our external_id (sent hashed). */
  externalId: string;
  /** The external_ids of linked visitors that contributed to the event (sent hashed, after externalId). */
  linkedExternalIds?: string[];
  /** The journey's first fbc and when the click happened (its creation time). */
  fbc?: { value: string; createdAt: Date };
  fbp?: string;
  /** The visitor's first IP and user agent. */
  ip?: string;
  userAgent?: string;
  /** Every hashed contact key known for the visitor (and linked visitors), per key type. */
  hashes: Partial<Record<HashedKey, string[]>>;
  /** Meta Lead Ads lead id (digits), unhashed. */
  leadId?: string;
  firstTouch?: TouchSummary;
  lastTouch?: TouchSummary;
}

/** One lifecycle change to send: who (journey) and what (CRM stage). Knows nothing of CRM formats. */
export interface CapiEventInput {
  /** CRM name for lead_event_source, e.g. "HubSpot". */
  leadEventSource: string;
  /** Stable identity of the CRM object: provider:objectType:objectId. */
  objectKey: string;
  eventName: string;
  /** When the stage changed. */
  occurredAt: Date;
  value?: number;
  currency?: string;
  journey: JourneyContext;
}
