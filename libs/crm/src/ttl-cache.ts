/**
 * A small in-process cache of promises with a time to live and a size bound: concurrent asks for one key
 * share a single request, a failed request is forgotten at once (the next ask tries again), and the oldest
 * entry goes first when full. For CRM reads that several events of one batch need within seconds.
 * `loadedSince` refuses an entry loaded before that time: a read must not predate the change it serves
 * (a deal read before its amount changed is no answer for the stage change that followed).
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; loadedAt: number; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(ttlMs > 0) || !(maxEntries > 0)) throw new RangeError('TtlCache needs a positive ttl and size');
  }

  get(key: string, load: () => Promise<V>, loadedSince = -Infinity): Promise<V> {
    const now = this.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now && hit.loadedAt >= loadedSince) return hit.value;
    if (hit) this.entries.delete(key);
    const value = load();
    this.entries.set(key, { value, loadedAt: now, expiresAt: now + this.ttlMs });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    // Map keeps insertion order: the first keys are the oldest.
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
    }
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
