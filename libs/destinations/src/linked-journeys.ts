/**
 * The identity graph's contribution to one CAPI event: when the joined visitor is linked to others (same
 * email/phone hash, same CRM contact), their clicks and hashed keys describe the same person. Plain rules,
 * no I/O: the worker fetches the candidates, these choose.
 */
import { FBC_MAX_AGE_MS } from '@app/journey';
import { HASHED_KEYS, PLATFORM_HASH_KEYS, type ContactHashKey } from './conversion';

/** Linked visitors that may contribute to one event besides the joined one, the most recently seen first. */
export const MAX_LINKED_VISITORS = 20;

/**
 * Values sent per hashed contact key. Meta documents arrays for every key but no maximum (meta-capi.md
 * names none); ten distinct emails or phones for one person is already unusual, so more is noise.
 */
export const MAX_VALUES_PER_KEY = 10;

/** What one visitor of the graph knows, as the merge needs it. */
export interface VisitorFacts {
  visitorId: string;
  externalId: string;
  /** The visitor's first fbc and when the click happened. */
  fbc?: { value: string; createdAt: Date };
  fbp?: string;
  ip?: string;
  userAgent?: string;
  hashes: Partial<Record<ContactHashKey, string[]>>;
  lastSeenAt: Date;
}

export interface MergedJourney {
  /** The click sent: the joined visitor's own when usable, else the earliest usable one of the others. */
  fbc?: { value: string; createdAt: Date };
  /** Every distinct hash per key, the joined visitor's first, at most MAX_VALUES_PER_KEY each. */
  hashes: Partial<Record<ContactHashKey, string[]>>;
  /** The contributing visitors' external_ids, the joined visitor's first. */
  externalIds: string[];
  /** The contributing visitors' ids, the joined visitor's first. */
  contributors: string[];
}

/** An fbc is sent when its click happened at most 90 days before the event, and not after it. */
export function fbcUsable(createdAt: Date, occurredAt: Date): boolean {
  const age = occurredAt.getTime() - createdAt.getTime();
  return age >= 0 && age <= FBC_MAX_AGE_MS;
}

/** The linked visitors that contribute: not the joined one, each once, the newest MAX_LINKED_VISITORS. */
export function contributingVisitors(own: VisitorFacts, linked: VisitorFacts[]): VisitorFacts[] {
  const seen = new Set([own.visitorId]);
  const others = linked.filter((visitor) => !seen.has(visitor.visitorId) && seen.add(visitor.visitorId));
  others.sort((a, b) => b.lastSeenAt.getTime() - a.lastSeenAt.getTime());
  return [own, ...others.slice(0, MAX_LINKED_VISITORS)];
}

/** Merges the joined visitor with its linked visitors for an event that happened at `occurredAt`. */
export function mergeLinkedJourneys(
  own: VisitorFacts,
  linked: VisitorFacts[],
  occurredAt: Date,
): MergedJourney {
  const visitors = contributingVisitors(own, linked);
  const hashes: Partial<Record<ContactHashKey, string[]>> = {};
  // The other platforms' forms describe the same person, so they merge like Meta's keys (each builder picks
  // its own keys: Meta's reads HASHED_KEYS only).
  for (const key of [...HASHED_KEYS, ...PLATFORM_HASH_KEYS]) {
    const values = [...new Set(visitors.flatMap((visitor) => visitor.hashes[key] ?? []))];
    if (values.length) hashes[key] = values.slice(0, MAX_VALUES_PER_KEY);
  }
  return {
    fbc: chooseFbc(own, visitors, occurredAt),
    hashes,
    externalIds: [...new Set(visitors.map((visitor) => visitor.externalId))],
    contributors: visitors.map((visitor) => visitor.visitorId),
  };
}

function chooseFbc(own: VisitorFacts, visitors: VisitorFacts[], occurredAt: Date) {
  if (own.fbc && fbcUsable(own.fbc.createdAt, occurredAt)) return own.fbc;
  const usable = visitors
    .map((visitor) => visitor.fbc)
    .filter((fbc): fbc is NonNullable<typeof fbc> => !!fbc && fbcUsable(fbc.createdAt, occurredAt));
  usable.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  return usable[0];
}

/** The match keys the coverage gauges compare, as named in user_data. */
export const COVERAGE_KEYS = [
  ...HASHED_KEYS,
  'external_id',
  'fbc',
  'fbp',
  'client_ip_address',
  'client_user_agent',
] as const;
export type CoverageKey = (typeof COVERAGE_KEYS)[number];

/**
 * The keys the (linked) journey knew and may send for this event, worked out from the visitors' facts
 * alone, independently of the event builder, so that comparing them with what was sent finds a key the
 * builder dropped: any visitor's hashed key, an fbc usable at the event's time, and the joined visitor's
 * own fbp, IP and user agent (device facts of the linked visitors are not sent).
 */
export function knownMatchKeys(own: VisitorFacts, linked: VisitorFacts[], occurredAt: Date): CoverageKey[] {
  const visitors = contributingVisitors(own, linked);
  const known: CoverageKey[] = HASHED_KEYS.filter((key) =>
    visitors.some((visitor) => visitor.hashes[key]?.length),
  );
  known.push('external_id');
  if (visitors.some((visitor) => visitor.fbc && fbcUsable(visitor.fbc.createdAt, occurredAt))) {
    known.push('fbc');
  }
  if (own.fbp?.trim()) known.push('fbp');
  if (own.ip?.trim()) known.push('client_ip_address');
  if (own.userAgent?.trim()) known.push('client_user_agent');
  return known;
}
