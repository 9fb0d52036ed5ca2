import { chooseClickIds, clickWithin } from './click-ids';

const at = (iso: string) => new Date(iso);

describe('chooseClickIds', () => {
  const event = at('2026-11-20T12:00:00Z');

  it("takes the joined visitor's latest click of each platform no newer than the event", () => {
    const chosen = chooseClickIds(
      [
        { type: 'gclid', value: 'old', clickedAt: at('2026-10-01T00:00:00Z') },
        { type: 'gclid', value: 'new', clickedAt: at('2026-11-01T00:00:00Z') },
        { type: 'gclid', value: 'after-the-event', clickedAt: at('2026-11-21T00:00:00Z') },
        { type: 'ttclid', value: 'tt', clickedAt: at('2026-11-10T00:00:00Z') },
      ],
      [],
      event,
    );
    expect(chosen).toEqual({
      gclid: { value: 'new', clickedAt: at('2026-11-01T00:00:00Z') },
      ttclid: { value: 'tt', clickedAt: at('2026-11-10T00:00:00Z') },
    });
  });

  it("prefers the visitor's own click and falls back to the latest linked one", () => {
    const chosen = chooseClickIds(
      [{ type: 'gclid', value: 'own', clickedAt: at('2026-09-01T00:00:00Z') }],
      [
        [{ type: 'gclid', value: 'linked-newer', clickedAt: at('2026-11-01T00:00:00Z') }],
        [
          { type: 'li_fat_id', value: 'li-a', clickedAt: at('2026-10-01T00:00:00Z') },
          { type: 'li_fat_id', value: 'li-b', clickedAt: at('2026-10-05T00:00:00Z') },
        ],
      ],
      event,
    );
    expect(chosen.gclid?.value).toBe('own');
    expect(chosen.li_fat_id?.value).toBe('li-b');
  });

  it('ignores unknown types and empty values', () => {
    expect(
      chooseClickIds(
        [
          { type: 'fbclid', value: 'x', clickedAt: at('2026-11-01T00:00:00Z') },
          { type: 'gbraid', value: '', clickedAt: at('2026-11-01T00:00:00Z') },
        ],
        [],
        event,
      ),
    ).toEqual({});
  });
});

describe('clickWithin', () => {
  it('measures the window from the click to the event', () => {
    const click = { value: 'c', clickedAt: at('2026-11-01T00:00:00Z') };
    expect(clickWithin(click, at('2026-11-29T00:00:00Z'), 28 * 86_400_000)).toBe(true);
    expect(clickWithin(click, at('2026-11-29T00:00:01Z'), 28 * 86_400_000)).toBe(false);
    expect(clickWithin(undefined, at('2026-11-29T00:00:00Z'), 1)).toBe(false);
  });
});
