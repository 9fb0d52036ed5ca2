import { TtlCache } from './ttl-cache';

describe('TtlCache', () => {
  let clock = 0;
  const cache = (ttl = 1000, size = 3) => new TtlCache<string>(ttl, size, () => clock);
  beforeEach(() => (clock = 0));

  it('shares one load between concurrent and repeated asks within the ttl', async () => {
    const c = cache();
    const load = jest.fn(() => Promise.resolve('deal'));
    await Promise.all([c.get('a', load), c.get('a', load)]);
    clock = 999;
    await expect(c.get('a', load)).resolves.toBe('deal');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('loads again once the ttl has passed', async () => {
    const c = cache();
    const load = jest.fn(() => Promise.resolve(`v${clock}`));
    await c.get('a', load);
    clock = 1000;
    await expect(c.get('a', load)).resolves.toBe('v1000');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('loads again for an ask that needs a read newer than the cached one', async () => {
    const c = cache();
    const load = jest.fn(() => Promise.resolve(`v${clock}`));
    await c.get('a', load);
    clock = 10;
    await expect(c.get('a', load, 0)).resolves.toBe('v0');
    await expect(c.get('a', load, 5)).resolves.toBe('v10');
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('forgets a failed load, so the next ask tries again', async () => {
    const c = cache();
    await expect(c.get('a', () => Promise.reject(new Error('503')))).rejects.toThrow('503');
    await expect(c.get('a', () => Promise.resolve('ok'))).resolves.toBe('ok');
  });

  it('drops the oldest entry beyond its size bound', async () => {
    const c = cache(1000, 2);
    for (const key of ['a', 'b', 'c']) await c.get(key, () => Promise.resolve(key));
    expect(c.size).toBe(2);
    const load = jest.fn(() => Promise.resolve('a2'));
    await expect(c.get('a', load)).resolves.toBe('a2');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('refuses a ttl or size that is not positive', () => {
    expect(() => new TtlCache(0, 1)).toThrow(RangeError);
    expect(() => new TtlCache(1, 0)).toThrow(RangeError);
  });
});
