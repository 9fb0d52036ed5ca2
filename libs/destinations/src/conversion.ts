import type { PlatformHashKey } from '@app/journey';

/** Meta contact keys whose values arrive already normalised and SHA-256 hashed (never raw). */
export type HashedKey = 'em' | 'ph' | 'fn' | 'ln' | 'ct' | 'st' | 'zp' | 'country' | 'db' | 'ge';

/** Hashed contact keys in the order they are written (Meta's customer-information table). */
export const HASHED_KEYS: readonly HashedKey[] = [
  'em',
  'ph',
  'fn',
  'ln',
  'db',
  'ge',
  'ct',
  'st',
  'zp',
  'country',
];

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

/**
 * Hashes kept for platforms whose normalisation differs from Meta's (computed from the raw value on arrival,
 * like every hash): `em_google` is the email after Google's gmail rule (dots and `+suffix` removed, stored only
 * when it differs from `em`); `ph_e164` is sha256 of the E.164 number with its `+` (Google, TikTok). Declared
 * in @app/journey, where they are computed; never sent to Meta, never used to link visitors.
 */
export { PLATFORM_HASH_KEYS, type PlatformHashKey } from '@app/journey';

/** Every key type a journey's hashes may hold: Meta's keys and the other platforms' forms. */
export type ContactHashKey = HashedKey | PlatformHashKey;

/** Ad-platform click ids other than Meta's (fbclid travels as `fbc`). */
export type ClickIdType = 'gclid' | 'gbraid' | 'wbraid' | 'ttclid' | 'li_fat_id' | 'msclkid';
export const CLICK_ID_TYPES: readonly ClickIdType[] = [
  'gclid',
  'gbraid',
  'wbraid',
  'ttclid',
  'li_fat_id',
  'msclkid',
];

/** A click id and when the click happened (the landing touchpoint's time: never re-dated). */
export interface ClickId {
  value: string;
  clickedAt: Date;
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
  hashes: Partial<Record<ContactHashKey, string[]>>;
  /**
   * The latest click of each platform from the journey or a linked one (the joined visitor's own first),
   * never newer than the event. Each destination applies its own window to it.
   */
  clickIds?: Partial<Record<ClickIdType, ClickId>>;
  /** Google Consent Mode, as the tag reported it: true granted, false denied, absent unknown. */
  consentMode?: { adUserData?: boolean; adPersonalization?: boolean };
  /** Meta Lead Ads lead id (digits), unhashed. */
  leadId?: string;
  firstTouch?: TouchSummary;
  lastTouch?: TouchSummary;
}

/** One lifecycle change to send: who (journey) and what (CRM stage). Knows nothing of CRM formats. */
export interface Conversion {
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
  /** Limited Data Use (US state-privacy opt-out), from the dispatch gate. */
  ldu?: { country: number; state: number };
}

/** Meta's name for the same input (its builder predates the other destinations). */
export type CapiEventInput = Conversion;
