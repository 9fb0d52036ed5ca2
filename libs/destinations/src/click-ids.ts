import { CLICK_ID_TYPES, type ClickId, type ClickIdType } from './conversion';

/** One click id seen on a touchpoint of a visitor. */
export interface SeenClickId {
  type: string;
  value: string;
  clickedAt: Date;
}

/**
 * The click id of each platform an event carries: the latest click no newer than the event, the joined
 * visitor's own first, else the latest among the linked visitors allowed to contribute. Each destination then
 * applies its own window (Google 90 days, TikTok 28, LinkedIn 90) to it.
 */
export function chooseClickIds(
  own: readonly SeenClickId[],
  linked: readonly (readonly SeenClickId[])[],
  occurredAt: Date,
): Partial<Record<ClickIdType, ClickId>> {
  const chosen: Partial<Record<ClickIdType, ClickId>> = {};
  const latest = (clicks: readonly SeenClickId[], type: ClickIdType) =>
    clicks
      .filter(
        (click) => click.type === type && click.value && click.clickedAt.getTime() <= occurredAt.getTime(),
      )
      .reduce<SeenClickId | undefined>(
        (best, click) => (!best || click.clickedAt > best.clickedAt ? click : best),
        undefined,
      );
  for (const type of CLICK_ID_TYPES) {
    const click = latest(own, type) ?? latest(linked.flat(), type);
    if (click) chosen[type] = { value: click.value, clickedAt: click.clickedAt };
  }
  return chosen;
}

/** Whether a click happened within `windowMs` before the event. */
export const clickWithin = (click: ClickId | undefined, occurredAt: Date, windowMs: number): boolean =>
  !!click && occurredAt.getTime() - click.clickedAt.getTime() <= windowMs;
