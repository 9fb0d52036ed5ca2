import type { JourneyWithTouches } from '@app/db';
import { attributedTouches } from './attributed-touches';

const touch = (iso: string, url: string) => ({ occurred_at: iso, url });
const row = (touches: Partial<JourneyWithTouches>) =>
  ({ first_touch: null, last_touch: null, direct_touch: null, ...touches }) as JourneyWithTouches;

describe('attributedTouches (the attribution rule on the fetched candidates)', () => {
  it('takes the earliest and latest campaign touches, times parsed', () => {
    const result = attributedTouches(
      row({
        first_touch: touch('2026-01-01T00:00:00.000Z', 'a'),
        last_touch: touch('2026-01-03T00:00:00.000Z', 'c'),
        direct_touch: touch('2025-12-31T00:00:00.000Z', 'd'),
      }),
    );
    expect(result.first).toEqual({ occurred_at: new Date('2026-01-01T00:00:00.000Z'), url: 'a' });
    expect(result.last).toEqual({ occurred_at: new Date('2026-01-03T00:00:00.000Z'), url: 'c' });
  });

  it('keeps the statement order when the campaign touches share a time', () => {
    const result = attributedTouches(
      row({
        first_touch: touch('2026-01-01T00:00:00Z', 'a'),
        last_touch: touch('2026-01-01T00:00:00Z', 'b'),
      }),
    );
    expect([result.first?.url, result.last?.url]).toEqual(['a', 'b']);
  });

  it('falls back to the first touch of a direct journey for both', () => {
    const result = attributedTouches(row({ direct_touch: touch('2026-01-02T00:00:00Z', 'd') }));
    expect(result.first?.url).toBe('d');
    expect(result.last?.url).toBe('d');
  });

  it('has none for a journey without touches', () => {
    expect(attributedTouches(row({}))).toEqual({ first: undefined, last: undefined });
  });
});
