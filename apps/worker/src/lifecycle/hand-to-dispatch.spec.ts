import type { CapiServerEvent } from '@app/destinations';
import { InMemoryCapiEventStore } from '../../../../test/support/lifecycle-in-memory';
import { handToDispatch } from './hand-to-dispatch';

describe('handToDispatch', () => {
  async function storeWith(count: number) {
    const store = new InMemoryCapiEventStore();
    const inputs = Array.from({ length: count }, (_, i) => ({
      lifecycleEventId: `e${i}`,
      eventId: `x${i}`,
      eventName: 'Lead',
      payload: {} as CapiServerEvent,
    }));
    await store.queueMany('pixel', inputs);
    return store;
  }

  it('claims the events for one dispatch job named after the lifecycle job and attempt, then enqueues it', async () => {
    const store = await storeWith(2);
    const enqueued: [string[], string][] = [];
    const enqueue = async (ids: string[], jobId: string) => enqueued.push([ids, jobId]);
    await handToDispatch(['c1', 'c2'], { id: '42', attemptsMade: 1 }, { store, enqueue });
    // The same attempt again (a crash after enqueuing) re-adds the same job id: BullMQ ignores it.
    await handToDispatch(['c1', 'c2'], { id: '42', attemptsMade: 1 }, { store, enqueue });
    expect(enqueued).toEqual([
      [['c1', 'c2'], '42-d1'],
      [['c1', 'c2'], '42-d1'],
    ]);
  });

  it('leaves events another job carries to it, and enqueues nothing when none are left', async () => {
    const store = await storeWith(1);
    await store.claimForJob(['c1'], 'other');
    const enqueue = jest.fn();
    await handToDispatch(['c1'], { id: '7', attemptsMade: 0 }, { store, enqueue });
    await handToDispatch([], { id: '7', attemptsMade: 0 }, { store, enqueue });
    expect(enqueue).not.toHaveBeenCalled();
  });
});
