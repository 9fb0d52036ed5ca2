import type { JourneyWithTouches } from '@app/db';
import { attribute } from '@app/journey';

/** A touch as the journeys statement returns it (to_jsonb), its time parsed. */
export type FetchedTouch = Record<string, unknown> & { occurred_at: Date };

/**
 * The joined journey's first and last touch, chosen by the attribution rule the journeys API uses
 * (libs/journey `attribute`) from the candidates the batch statement fetched: the earliest and latest
 * campaign touches and the earliest touch of all.
 */
export function attributedTouches(row: JourneyWithTouches): { first?: FetchedTouch; last?: FetchedTouch } {
  const candidate = (touch: Record<string, unknown> | null, hasCampaign: boolean) => {
    if (!touch) return [];
    const occurredAt = new Date(touch.occurred_at as string);
    return [{ touch: { ...touch, occurred_at: occurredAt }, occurredAt, hasCampaign }];
  };
  const { firstTouch, lastTouch } = attribute([
    ...candidate(row.first_touch, true),
    ...candidate(row.last_touch, true),
    ...candidate(row.direct_touch, false),
  ]);
  return { first: firstTouch?.touch, last: lastTouch?.touch };
}
