// Salesforce record ids come in two forms: 15 characters (case-sensitive) and 18 characters (the same
// 15 plus a 3-character suffix that encodes the case of the first 15, so the 18-character form can be
// compared case-insensitively). Organization ids are ids like any other (prefix `00D`).
import { timingSafeEqual } from 'node:crypto';

const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const ID_15_OR_18 = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;

/** True for a syntactically valid 15- or 18-character Salesforce id. */
export function isSalesforceId(value: string): boolean {
  return ID_15_OR_18.test(value);
}

/** The 18-character form of a 15-character id; an 18-character id is returned as given; else undefined. */
export function toSalesforceId18(id: string): string | undefined {
  if (!ID_15_OR_18.test(id)) return undefined;
  if (id.length === 18) return id;
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const c = id.charCodeAt(chunk * 5 + i);
      if (c >= 65 && c <= 90) bits |= 1 << i; // 'A'..'Z'
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return id + suffix;
}

/**
 * True when `orgId` names the same organization as one of `allowed` (e.g. SALESFORCE_ORG_IDS): the
 * 15-character and 18-character forms of one id match each other; 18-character forms compare
 * case-insensitively, as Salesforce designed them to. Blank and malformed entries never match.
 */
export function orgIdMatches(orgId: string, allowed: readonly string[]): boolean {
  const want = typeof orgId === 'string' ? toSalesforceId18(orgId.trim()) : undefined;
  if (want === undefined) return false;
  const a = Buffer.from(want.toUpperCase(), 'ascii');
  let found = false;
  for (const entry of allowed) {
    const other = typeof entry === 'string' ? toSalesforceId18(entry.trim()) : undefined;
    if (other !== undefined && timingSafeEqual(a, Buffer.from(other.toUpperCase(), 'ascii'))) found = true;
  }
  return found;
}
