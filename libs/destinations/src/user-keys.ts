/**
 * Matching keys shared by the destinations that take hashed identifiers (TikTok, LinkedIn; Meta builds its
 * own the same way). Hashes arrive already normalised and hashed; these only select and check them.
 */
import { sha256Hex } from '@app/journey';
import type { ClickId, JourneyContext } from './conversion';

export const HEX64 = /^[0-9a-f]{64}$/;
export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Well-formed lowercase SHA-256 hex only, deduplicated, order kept. Anything else (a raw value that slipped
 * through) is dropped: never send what might be raw PII.
 */
export function cleanHashes(values: readonly string[] | undefined): string[] {
  const out = new Set<string>();
  for (const value of values ?? []) {
    const hash = typeof value === 'string' ? value.trim().toLowerCase() : '';
    if (HEX64.test(hash)) out.add(hash);
  }
  return [...out];
}

/** sha256 of our external_id and the linked visitors' ones, each lower-cased and trimmed first (as Meta's). */
export function hashedExternalIds(journey: JourneyContext): string[] {
  const ids = [journey.externalId, ...(journey.linkedExternalIds ?? [])].filter(
    (id): id is string => typeof id === 'string' && id.trim() !== '',
  );
  return [...new Set(ids.map((id) => sha256Hex(id.trim().toLowerCase())))];
}

/**
 * The click id's value when the click happened at most `maxAgeMs` before the event and not after it (the
 * platform attributes nothing older, and a click after the event did not cause it).
 */
export function clickWithin(click: ClickId | undefined, occurredAt: Date, maxAgeMs: number) {
  if (!click) return undefined;
  const value = text(click.value);
  const age = occurredAt.getTime() - click.clickedAt.getTime();
  return value && age >= 0 && age <= maxAgeMs ? value : undefined;
}

export function text(value: string | null | undefined): string | undefined {
  const trimmed = typeof value === 'string' ? value.trim() : '';
  return trimmed || undefined;
}
