/** The fields attribution needs from a touchpoint. */
export interface AttributableTouch {
  occurredAt: Date;
  hasCampaign: boolean;
}

export interface Attribution<T extends AttributableTouch> {
  firstTouch: T | null;
  lastTouch: T | null;
}

/**
 * First touch: the earliest touchpoint carrying campaign data (UTMs or a click id). Last touch: the latest
 * such touchpoint — direct visits never overwrite it ("last non-direct click"). A journey with no campaign
 * data at all is direct: both fall back to its first touchpoint.
 */
export function attribute<T extends AttributableTouch>(touches: readonly T[]): Attribution<T> {
  const ordered = [...touches].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const campaign = ordered.filter((touch) => touch.hasCampaign);
  if (campaign.length) return { firstTouch: campaign[0], lastTouch: campaign[campaign.length - 1] };
  const first = ordered[0] ?? null;
  return { firstTouch: first, lastTouch: first };
}
