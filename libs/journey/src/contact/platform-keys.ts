// Hashes for platforms whose normalisation differs from Meta's (shared/reference/destinations.md, Google and
// TikTok "Hashing"). Raw values are never kept, so these are derived on arrival from the same normalised
// value as Meta's `em`/`ph`, and stored beside them.

/**
 * `em_google`: the email after Google's gmail rule, stored only when it differs from `em`;
 * `ph_e164`: the E.164 number with its `+` (Google, TikTok), stored whenever `ph` is.
 */
export type PlatformHashKey = 'em_google' | 'ph_e164';
export const PLATFORM_HASH_KEYS: readonly PlatformHashKey[] = ['em_google', 'ph_e164'];

// Google applies its rule to these domains only; other providers may treat dots as significant.
const GMAIL_DOMAINS = new Set(['gmail.com', 'googlemail.com']);

/**
 * Google's email form of an email already normalised for Meta (trimmed, lowercased): for gmail.com and
 * googlemail.com the dots before `@` and any `+suffix` go; other addresses are returned unchanged.
 */
export function googleEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 0 || !GMAIL_DOMAINS.has(email.slice(at + 1))) return email;
  const local = email.slice(0, at).split('+')[0]!.replace(/\./g, '');
  // Nothing left (`+x@gmail.com`): no real mailbox, so no variant rather than a hash of `@gmail.com`.
  return local ? `${local}${email.slice(at)}` : email;
}

/** E.164 with its `+`, from the digits Meta's `ph` is hashed from. */
export function e164(phoneDigits: string): string {
  return `+${phoneDigits}`;
}
