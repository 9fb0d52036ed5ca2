import { Registry } from 'prom-client';
import { destinationMetrics } from '@app/observability/pipeline-metrics';
import {
  InMemoryDispatchSenderStore,
  ScriptedDestination,
} from '../../../../test/support/dispatch-in-memory';
import { type DispatchResult, DispatchSender } from './dispatch-sender';

describe('DispatchSender (the dispatcher, with in-memory repositories)', () => {
  let store: InMemoryDispatchSenderStore;
  const paused: string[] = [];
  const sender = (dryRun = false) =>
    new DispatchSender({
      dispatches: store,
      metrics: destinationMetrics(new Registry()),
      dryRun,
      onPaused: (message) => paused.push(message),
    });
  beforeEach(() => {
    store = new InMemoryDispatchSenderStore();
    paused.length = 0;
  });

  /** Runs one batch of the given ids; resolves with each id's result. */
  async function run(s: DispatchSender, destination: ScriptedDestination, ids: string[]) {
    const results: Record<string, DispatchResult> = {};
    await s.dispatch(
      destination,
      ids.map((id) => ({ id, resolve: (result: DispatchResult) => (results[id] = result) })),
    );
    return results;
  }
  const seed = (count: number) => {
    const ids = Array.from({ length: count }, (_, i) => `d${i}`);
    ids.forEach((id, i) => store.add(id, { n: i }));
    return ids;
  };

  it('sends a batch in one request, records it with the platform, and marks every event sent', async () => {
    const ids = seed(3);
    const destination = new ScriptedDestination(() => ({ kind: 'accepted', traceId: 'trace-1' }));
    const results = await run(sender(), destination, ids);
    expect(destination.sent).toEqual([[0, 1, 2]]);
    expect(Object.values(results)).toEqual([{ kind: 'sent' }, { kind: 'sent' }, { kind: 'sent' }]);
    expect(store.requests).toEqual([
      expect.objectContaining({
        platform: 'test',
        destination: 'account-1',
        eventCount: 3,
        outcome: 'accepted',
        traceId: 'trace-1',
      }),
    ]);
    expect(ids.map((id) => store.status(id).status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('parks the events a platform names in a refused batch and sends the rest again', async () => {
    const ids = seed(4);
    const destination = new ScriptedDestination((payloads) =>
      payloads.some((payload) => payload.n === 2)
        ? { kind: 'invalid_event', message: 'Index: 2 bad', failedIndexes: [2] }
        : { kind: 'accepted' },
    );
    const results = await run(sender(), destination, ids);
    expect(destination.sent).toEqual([
      [0, 1, 2, 3],
      [0, 1, 3],
    ]);
    expect(results.d2).toEqual({ kind: 'parked' });
    expect(store.status('d2')).toEqual({
      status: 'parked',
      reason: 'Test Ads refused the event: Index: 2 bad',
      lifecycle: 'rejected',
    });
    expect(['d0', 'd1', 'd3'].map((id) => store.status(id).status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('halves a refused batch that names nothing until the bad event is alone', async () => {
    const ids = seed(4);
    const destination = new ScriptedDestination((payloads) =>
      payloads.some((payload) => payload.n === 3)
        ? { kind: 'invalid_event', message: 'bad event' }
        : { kind: 'accepted' },
    );
    await run(sender(), destination, ids);
    expect(destination.sent).toEqual([[0, 1, 2, 3], [0, 1], [2, 3], [2], [3]]);
    expect(ids.map((id) => store.status(id).status)).toEqual(['sent', 'sent', 'sent', 'parked']);
  });

  it('parks the events refused inside an accepted batch (per-event answers)', async () => {
    const ids = seed(3);
    const destination = new ScriptedDestination(() => ({
      kind: 'accepted',
      rejectedIndexes: [{ index: 1, message: 'conversion rule not found' }],
    }));
    const results = await run(sender(), destination, ids);
    expect(results).toEqual({ d0: { kind: 'sent' }, d1: { kind: 'parked' }, d2: { kind: 'sent' } });
  });

  it('pauses the destination on a configuration error, holds its events without a request, and lifts the pause with new credentials', async () => {
    const ids = seed(2);
    const destination = new ScriptedDestination(() => ({ kind: 'config', message: 'token revoked' }));
    expect((await run(sender(), destination, ids)).d0).toEqual({ kind: 'paused', reason: 'token revoked' });
    expect(paused).toEqual(['destination Test Ads paused: token revoked']);
    const s = sender();
    expect((await run(s, destination, ids)).d1).toEqual({ kind: 'paused', reason: 'token revoked' });
    expect(destination.sent).toHaveLength(1);
    destination.credentialFingerprint = 'fingerprint-2';
    destination.answer = () => ({ kind: 'accepted' });
    expect((await run(s, destination, ids)).d1).toEqual({ kind: 'sent' });
  });

  it('retries transient failures, and after ten in a row opens the circuit: events wait without requests', async () => {
    const ids = seed(1);
    const destination = new ScriptedDestination(() => ({ kind: 'transient', message: 'HTTP 500' }));
    const s = sender();
    for (let i = 0; i < 10; i++)
      expect((await run(s, destination, ids)).d0).toEqual({ kind: 'retry', reason: 'transient: HTTP 500' });
    const held = (await run(s, destination, ids)).d0;
    expect(held).toMatchObject({ kind: 'paused', forMs: expect.any(Number) });
    expect(destination.sent).toHaveLength(10);
    expect(store.status('d0').status).toBe('queued');
  });

  it('parks an event that aged past the window while waiting, without a request', async () => {
    store.add('old', { n: 0, expired: true });
    const destination = new ScriptedDestination();
    expect(await run(sender(), destination, ['old'])).toEqual({ old: { kind: 'parked' } });
    expect(destination.sent).toEqual([]);
    expect(store.status('old')).toMatchObject({ status: 'parked', lifecycle: 'expired' });
  });

  it("parks an event its platform's validation refuses as invalid, without a request, and sends the rest of its batch", async () => {
    const ids = seed(3);
    store.add('bad', { n: 9, invalid: true });
    const destination = new ScriptedDestination();
    const results = await run(sender(), destination, [ids[0]!, 'bad', ids[1]!, ids[2]!]);
    expect(results.bad).toEqual({ kind: 'parked' });
    expect(destination.sent).toEqual([[0, 1, 2]]);
    expect(store.status('bad')).toMatchObject({
      status: 'parked',
      reason: 'not sent: the event failed validation before sending (test)',
      lifecycle: 'invalid',
    });
    expect(ids.map((id) => store.status(id).status)).toEqual(['sent', 'sent', 'sent']);
  });

  it('in dry-run mode records the request that would be sent and sends nothing', async () => {
    const ids = seed(2);
    const destination = new ScriptedDestination();
    await run(sender(true), destination, ids);
    expect(destination.sent).toEqual([]);
    expect(store.requests).toEqual([
      expect.objectContaining({
        outcome: 'dry_run',
        requestBody: { dry_run: true, events: [{ n: 0 }, { n: 1 }] },
      }),
    ]);
    expect(ids.map((id) => store.status(id).status)).toEqual(['dry_run', 'dry_run']);
  });

  it('sends test events in their own request and skips events no longer queued', async () => {
    store.add('a', { n: 0 });
    store.add('b', { n: 1 }, { test_event_code: 'TEST1' });
    store.add('c', { n: 2 }, { status: 'sent' });
    const destination = new ScriptedDestination();
    const results = await run(sender(), destination, ['a', 'b', 'c']);
    expect(destination.sent.sort()).toEqual([[0], [1]]);
    expect(results.c).toEqual({ kind: 'skipped' });
  });
});
