// Shared pieces of the contact normalisers: the result type and the text clean-up every field starts with.

/** A normalised value, or a fixed-text reason (never containing the raw value, which may be PII). */
export type NormalizeResult = { ok: true; value: string } | { ok: false; reason: string };

export const ok = (value: string): NormalizeResult => ({ ok: true, value });
export const fail = (reason: string): NormalizeResult => ({ ok: false, reason });

/** Trimmed NFC text, or undefined when the input is not a non-blank string (runtime data may be anything). */
export function clean(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const s = raw.normalize('NFC').trim();
  return s === '' ? undefined : s;
}

/** Lowercase and drop whitespace, punctuation, symbols and control chars; letters of any script survive. */
export function compactText(s: string): string {
  return (
    s
      .toLowerCase()
      .normalize('NFC') // lowercasing can produce non-NFC sequences (e.g. Turkish İ)
      // Soft hyphens, zero-width spaces and BOMs are copy-paste debris, not part of a name.
      .replace(/[\p{P}\p{S}\s\p{Cc}\u00ad\u200b\u2060\ufeff]/gu, '')
  );
}
