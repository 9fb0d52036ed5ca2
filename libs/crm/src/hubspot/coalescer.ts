/**
 * Gathers single reads made at about the same time into one batch read: keys asked within `lingerMs` of
 * the first (or until `maxKeys` are waiting) go to `readMany` together. HubSpot counts requests, not
 * records, against its burst limit (crm-webhooks.md §1.7), so 100 reads in one request cost 1 of 90.
 * A key asked twice while waiting is read once. A failed batch fails every waiting read (each caller
 * retries as it would after a single failed read); a key the batch did not return gets `missing`.
 */
export class Coalescer<V> {
  private waiting = new Map<string, { resolve: (value: V) => void; reject: (error: unknown) => void }[]>();
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly readMany: (keys: string[]) => Promise<Map<string, V>>,
    private readonly options: { maxKeys: number; lingerMs: number; missing: V },
  ) {
    if (!(options.maxKeys > 0)) throw new RangeError('Coalescer needs a positive maxKeys');
  }

  load(key: string): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const callers = this.waiting.get(key);
      if (callers) callers.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      if (this.waiting.size >= this.options.maxKeys) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.lingerMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = new Map();
    let read: Promise<Map<string, V>>;
    try {
      read = this.readMany([...batch.keys()]);
    } catch (error) {
      read = Promise.reject(error);
    }
    read.then(
      (found) => {
        for (const [key, callers] of batch) {
          const value = found.has(key) ? (found.get(key) as V) : this.options.missing;
          for (const caller of callers) caller.resolve(value);
        }
      },
      (error: unknown) => {
        for (const callers of batch.values()) for (const caller of callers) caller.reject(error);
      },
    );
  }
}
