import { InMemoryDispatchStore } from '../../../../test/support/lifecycle-in-memory';
import { handToDispatch } from './hand-to-dispatch';
import type { ToDispatch } from './record-batch';

describe('handToDispatch', () => {
  async function storeWith(count: number, platform = 'meta') {
    const store = new InMemoryDispatchStore();
    const inputs = Array.from({ length: count }, (_, i) => ({
      lifecycleEventId: `e${i}`,
      eventId: `x${i}`,
      eventName: 'Lead',
      status: 'queued' as const,
      payload: {},
    }));
    await store.queueMany({ platform, destination: 'account' }, inputs);
    return store;
  }
  const meta = (ids: string[]): ToDispatch => ({ platform: 'meta', destination: 'account', ids });

  it('claims the events for one dispatch job named after the lifecycle job and attempt, then enqueues it', async () => {
    const store = await storeWith(2);
    const enqueued: [string[], string][] = [];
    const enqueue = async (target: ToDispatch, jobId: string) => enqueued.push([target.ids, jobId]);
    await handToDispatch([meta(['c1', 'c2'])], { id: '42', attemptsMade: 1 }, { store, enqueue });
    // The same attempt again (a crash after enqueuing) re-adds the same job id: BullMQ ignores it.
    await handToDispatch([meta(['c1', 'c2'])], { id: '42', attemptsMade: 1 }, { store, enqueue });
    expect(enqueued).toEqual([
      [['c1', 'c2'], '42-d1'],
      [['c1', 'c2'], '42-d1'],
    ]);
  });

  it('gives each other platform its own job, named with the platform', async () => {
    const store = await storeWith(1, 'google');
    const enqueued: [string, string][] = [];
    await handToDispatch(
      [{ platform: 'google', destination: 'account', ids: ['c1'] }],
      { id: '42', attemptsMade: 0 },
      { store, enqueue: async (target, jobId) => enqueued.push([target.platform, jobId]) },
    );
    expect(enqueued).toEqual([['google', '42-google-d0']]);
  });

  it('leaves events another job carries to it, and enqueues nothing when none are left', async () => {
    const store = await storeWith(1);
    await store.claimForJob(['c1'], 'other');
    const enqueue = jest.fn();
    await handToDispatch([meta(['c1'])], { id: '7', attemptsMade: 0 }, { store, enqueue });
    await handToDispatch([], { id: '7', attemptsMade: 0 }, { store, enqueue });
    expect(enqueue).not.toHaveBeenCalled();
  });

  it('hands rows inserted under its job id without claiming them again, and claims the rest', async () => {
    const store = new InMemoryDispatchStore();
    const input = (i: number) => ({
      lifecycleEventId: `e${i}`,
      eventId: `x${i}`,
      eventName: 'Lead',
      status: 'queued' as const,
    });
    await store.queueMany({ platform: 'meta', destination: 'account' }, [input(1)], undefined, '9-d0');
    await store.queueMany({ platform: 'meta', destination: 'account' }, [input(2)]);
    const claim = jest.spyOn(store, 'claimForJob');
    const enqueued: [string[], string][] = [];
    await handToDispatch(
      [{ ...meta(['c1', 'c2']), claimed: ['c1'] }],
      { id: '9', attemptsMade: 0 },
      { store, enqueue: async (target, jobId) => enqueued.push([target.ids, jobId]) },
    );
    expect(claim).toHaveBeenCalledWith(['c2'], '9-d0');
    expect(enqueued).toEqual([[['c1', 'c2'], '9-d0']]);
    expect(store.rows.map((row) => row.jobId)).toEqual(['9-d0', '9-d0']);
  });
});
