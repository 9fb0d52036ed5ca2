import { MicroBatcher, roundsByKey } from './micro-batcher';

describe('MicroBatcher', () => {
  it('merges calls made within the linger into one flush and settles each with its own outcome', async () => {
    const flushes: number[][] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        flushes.push(items);
        return items.map((n) =>
          n < 0 ? { ok: false, error: new Error(`bad ${n}`) } : { ok: true, value: n * 2 },
        );
      },
      { lingerMs: 5, maxItems: 100, maxConcurrent: 1 },
    );
    const results = await Promise.allSettled([1, -2, 3].map((n) => batcher.submit(n)));
    expect(flushes).toEqual([[1, -2, 3]]);
    expect(results).toEqual([
      { status: 'fulfilled', value: 2 },
      { status: 'rejected', reason: new Error('bad -2') },
      { status: 'fulfilled', value: 6 },
    ]);
  });

  it('flushes at once when a batch is full, and fails every item of a flush that throws', async () => {
    const flushes: number[][] = [];
    const batcher = new MicroBatcher<number, number>(
      async (items) => {
        flushes.push(items);
        if (items.includes(99)) throw new Error('database gone');
        return items.map((value) => ({ ok: true, value }));
      },
      { lingerMs: 10_000, maxItems: 2, maxConcurrent: 1 },
    );
    await expect(Promise.all([batcher.submit(1), batcher.submit(2)])).resolves.toEqual([1, 2]);
    await expect(Promise.all([batcher.submit(3), batcher.submit(99)])).rejects.toThrow('database gone');
    expect(flushes).toEqual([
      [1, 2],
      [3, 99],
    ]);
  });
});

describe('roundsByKey', () => {
  it('puts each external_id once per round, keeping every visitor in arrival order', () => {
    const items = ['a', 'b', 'a', 'c', 'a', 'b'].map((externalId, n) => ({ externalId, n }));
    expect(roundsByKey(items, (item) => item.externalId).map((round) => round.map((item) => item.n))).toEqual(
      [[0, 1, 3], [2, 5], [4]],
    );
  });
});
