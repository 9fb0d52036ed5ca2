/**
 * Batching and bad-event isolation. Meta accepts at most 1,000 events per request and rejects the whole
 * batch when one event is invalid (meta-capi.md §6), so:
 * - `chunkEvents` cuts a queue into requests of at most 1,000 events;
 * - when a batch comes back `invalid_event`, `planAfterInvalid` halves it (`splitForIsolation`) and each half
 *   is sent again on its own; halving repeats until a rejected part is a single event, which is parked with
 *   Meta's message. The valid events go out after at most ⌈log2 n⌉ extra rounds, and every event of a
 *   rejected half is retried at most once per level (n events with one bad one: about 2·log2 n requests).
 */
export const MAX_EVENTS_PER_REQUEST = 1000;

export type IsolationPlan<T> = { kind: 'split'; parts: [T[], T[]] } | { kind: 'park'; item: T };

/** The two halves of a batch (the first gets the odd one), order kept. Needs at least two items. */
export function splitForIsolation<T>(batch: readonly T[]): [T[], T[]] {
  if (batch.length < 2) throw new RangeError('splitForIsolation needs at least two items');
  const half = Math.ceil(batch.length / 2);
  return [batch.slice(0, half), batch.slice(half)];
}

/** What to do with a batch Meta rejected as invalid: send its halves separately, or park its only event. */
export function planAfterInvalid<T>(batch: readonly T[]): IsolationPlan<T> {
  if (batch.length === 0) throw new RangeError('planAfterInvalid needs a non-empty batch');
  return batch.length === 1
    ? { kind: 'park', item: batch[0] }
    : { kind: 'split', parts: splitForIsolation(batch) };
}

/** Consecutive requests of at most `size` (≤ 1,000) events, order kept. */
export function chunkEvents<T>(items: readonly T[], size: number = MAX_EVENTS_PER_REQUEST): T[][] {
  if (!Number.isInteger(size) || size < 1 || size > MAX_EVENTS_PER_REQUEST) {
    throw new RangeError(`chunk size must be 1..${MAX_EVENTS_PER_REQUEST}`);
  }
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * Runs the whole isolation with a sender: sends `batch`; on `invalid` splits and recurses; a single invalid
 * item is reported as parked. Any other answer ends that part as it is (the caller retries or pauses it).
 */
export async function isolateInvalid<T, R extends { invalid: boolean }>(
  batch: readonly T[],
  send: (part: T[]) => Promise<R>,
): Promise<{ part: T[]; result: R; parked: boolean }[]> {
  const result = await send([...batch]);
  if (!result.invalid) return [{ part: [...batch], result, parked: false }];
  const plan = planAfterInvalid(batch);
  if (plan.kind === 'park') return [{ part: [plan.item], result, parked: true }];
  const [first, second] = plan.parts;
  return [...(await isolateInvalid(first, send)), ...(await isolateInvalid(second, send))];
}
