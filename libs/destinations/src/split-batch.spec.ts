import { chunkEvents, isolateInvalid, planAfterInvalid, splitForIsolation } from './split-batch';

describe('splitForIsolation / planAfterInvalid', () => {
  it('halves a batch in order, the first half taking the odd item', () => {
    expect(splitForIsolation([1, 2, 3, 4])).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(splitForIsolation([1, 2, 3])).toEqual([[1, 2], [3]]);
    expect(() => splitForIsolation([1])).toThrow(RangeError);
  });

  it('parks a single rejected event and splits anything bigger', () => {
    expect(planAfterInvalid(['a'])).toEqual({ kind: 'park', item: 'a' });
    expect(planAfterInvalid(['a', 'b'])).toEqual({ kind: 'split', parts: [['a'], ['b']] });
    expect(() => planAfterInvalid([])).toThrow(RangeError);
  });
});

describe('chunkEvents', () => {
  it('cuts into requests of at most 1000', () => {
    const items = Array.from({ length: 2501 }, (_, i) => i);
    expect(chunkEvents(items).map((chunk) => chunk.length)).toEqual([1000, 1000, 501]);
    expect(chunkEvents(items, 400).map((chunk) => chunk.length)).toEqual([400, 400, 400, 400, 400, 400, 101]);
    expect(() => chunkEvents(items, 2000)).toThrow(RangeError);
    expect(chunkEvents([])).toEqual([]);
  });
});

describe('isolateInvalid', () => {
  it('finds the bad events and lets the others through', async () => {
    const items = Array.from({ length: 10 }, (_, i) => i);
    const bad = new Set([3, 7]);
    const sent: number[][] = [];
    const outcome = await isolateInvalid(items, async (part) => {
      sent.push(part);
      return { invalid: part.some((item) => bad.has(item)) };
    });
    expect(outcome.filter((entry) => entry.parked).map((entry) => entry.part)).toEqual([[3], [7]]);
    const delivered = outcome.filter((entry) => !entry.parked).flatMap((entry) => entry.part);
    expect(delivered.sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 6, 8, 9]);
    expect(sent.length).toBeLessThan(items.length * 2);
  });

  it('sends a valid batch once', async () => {
    const send = jest.fn(async () => ({ invalid: false }));
    await isolateInvalid([1, 2, 3], send);
    expect(send).toHaveBeenCalledTimes(1);
  });
});
