import { attribute } from './attribution';

const touch = (day: number, hasCampaign: boolean, name = `d${day}`) => ({
  name,
  occurredAt: new Date(Date.UTC(2026, 10, day)),
  hasCampaign,
});

describe('attribute', () => {
  it('picks the earliest and latest campaign touchpoints, in time order whatever the input order', () => {
    const result = attribute([
      touch(5, false),
      touch(3, true),
      touch(1, false),
      touch(4, true),
      touch(2, true),
    ]);
    expect(result.firstTouch?.name).toBe('d2');
    expect(result.lastTouch?.name).toBe('d4');
  });

  it('lets no direct visit overwrite the last touch', () => {
    expect(attribute([touch(1, true), touch(9, false)]).lastTouch?.name).toBe('d1');
  });

  it('falls back to the first touchpoint for a direct-only journey, and to null for none', () => {
    expect(attribute([touch(2, false), touch(1, false)])).toEqual({
      firstTouch: touch(1, false),
      lastTouch: touch(1, false),
    });
    expect(attribute([])).toEqual({ firstTouch: null, lastTouch: null });
  });
});
