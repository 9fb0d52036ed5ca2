/** Meta click-id cookie helpers (`_fbc` / `_fbp`), per Meta's "fbp and fbc" parameter docs. */

/** fb.<subdomainIndex>.<creation ms>.<fbclid>[.<appendix>] — the payload may contain dots only via the appendix. */
const FBC_PATTERN = /^fb\.(\d)\.(\d{13})\.([^.\s]+)(\.[A-Za-z0-9_-]{2,8})?$/;
/** fb.<subdomainIndex>.<creation ms>.<random>[.<appendix>] */
const FBP_PATTERN = /^fb\.(\d)\.(\d{13})\.(\d+)(\.[A-Za-z0-9_-]{2,8})?$/;

export const FBC_MAX_AGE_MS = 90 * 24 * 60 * 60 * 1000;

export function isValidFbc(value: string): boolean {
  return FBC_PATTERN.test(value);
}

export function isValidFbp(value: string): boolean {
  return FBP_PATTERN.test(value);
}

/**
 * Builds fbc from an fbclid first seen at `firstSeenMs`. Subdomain index 1: we generate it server-side and
 * set no cookie. The fbclid is used verbatim.
 */
export function buildFbc(fbclid: string, firstSeenMs: number): string {
  return `fb.1.${Math.trunc(firstSeenMs)}.${fbclid}`;
}

/** When the click happened, from an fbc value (its creation time), or undefined for a malformed value. */
export function fbcCreatedAt(fbc: string): Date | undefined {
  const match = FBC_PATTERN.exec(fbc);
  return match ? new Date(Number(match[2])) : undefined;
}

/** The fbclid inside an fbc value. */
export function fbclidOf(fbc: string): string | undefined {
  return FBC_PATTERN.exec(fbc)?.[3];
}

export interface ResolvedFbc {
  fbc: string;
  createdAt: Date;
  fbclid?: string;
  built: boolean;
}

/**
 * The fbc a touchpoint carries. A client-sent `_fbc` is kept verbatim unless the URL carries a different
 * fbclid (a new ad click: Meta says to overwrite the cookie then). An fbclid in the URL makes a new fbc
 * dated at the touchpoint's time; `built` tells the store it may instead reuse the visitor's latest fbc when
 * that holds the same fbclid, so a reload never re-dates the click.
 */
export function resolveTouchpointFbc(input: {
  clientFbc?: string;
  fbclid?: string;
  occurredAt: Date;
}): ResolvedFbc | undefined {
  if (input.clientFbc) {
    const createdAt = fbcCreatedAt(input.clientFbc);
    const fbclid = fbclidOf(input.clientFbc);
    if (createdAt && (!input.fbclid || input.fbclid === fbclid)) {
      return { fbc: input.clientFbc, createdAt, fbclid, built: false };
    }
  }
  if (input.fbclid) {
    const ms = input.occurredAt.getTime();
    return { fbc: buildFbc(input.fbclid, ms), createdAt: new Date(ms), fbclid: input.fbclid, built: true };
  }
  return undefined;
}

/** Meta's 90-day rule: an fbc is sendable with an event only if created within 90 days before it. */
export function isFbcUsableAt(fbc: string, eventTime: Date): boolean {
  const createdAt = fbcCreatedAt(fbc);
  if (!createdAt) return false;
  const age = eventTime.getTime() - createdAt.getTime();
  return age >= 0 && age <= FBC_MAX_AGE_MS;
}
