/** Per-item outcome of a flush: a value, or an error that only that item's caller sees. */
export type BatchOutcome<R> = { ok: true; value: R } | { ok: false; error: Error };

export interface MicroBatcherOptions {
  /** How long the first item of a batch waits for company. */
  lingerMs: number;
  /** A batch this large is flushed at once. */
  maxItems: number;
  /** Flushes in flight at once; later items wait for one to finish, so batches grow with load. */
  maxConcurrent: number;
}

interface Pending<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: Error) => void;
}

/**
 * Collects calls made within a few milliseconds into one batch. Under load one statement (one commit, one
 * WAL flush) serves many requests, which is what lets a write path beat one-INSERT-per-request; when idle,
 * a call waits at most `lingerMs`. The flush returns one outcome per item, in order, so one caller's
 * failure is never another's.
 */
export class MicroBatcher<T, R> {
  private items: Pending<T, R>[] = [];
  private timer?: NodeJS.Timeout;
  private inFlight = 0;

  constructor(
    private readonly flushBatch: (items: T[]) => Promise<BatchOutcome<R>[]>,
    private readonly options: MicroBatcherOptions,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.items.push({ item, resolve, reject });
      if (this.items.length >= this.options.maxItems) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.lingerMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.items.length && this.inFlight < this.options.maxConcurrent) {
      this.start(this.items.splice(0, this.options.maxItems));
    }
  }

  private start(batch: Pending<T, R>[]): void {
    this.inFlight++;
    void this.flushBatch(batch.map((entry) => entry.item))
      .then(
        (outcomes) =>
          batch.forEach((entry, i) => {
            const outcome = outcomes[i];
            if (outcome?.ok) entry.resolve(outcome.value);
            else entry.reject(outcome?.error ?? new Error('no outcome for a batched item'));
          }),
        (error: Error) => batch.forEach((entry) => entry.reject(error)),
      )
      .finally(() => {
        this.inFlight--;
        this.flush(); // what arrived meanwhile goes at once: it has already waited
      });
  }
}

/**
 * Splits a batch into rounds in which each key appears once, keeping each key's items in arrival order (an
 * upsert statement may touch a row only once).
 */
export function roundsByKey<T>(items: T[], key: (item: T) => string): T[][] {
  const rounds: T[][] = [];
  const seen = new Map<string, number>();
  for (const item of items) {
    const round = seen.get(key(item)) ?? 0;
    seen.set(key(item), round + 1);
    (rounds[round] ??= []).push(item);
  }
  return rounds;
}
