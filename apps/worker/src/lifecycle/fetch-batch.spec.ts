import { InMemoryLifecycleEventStore, lifecycleEvent } from '../../../../test/support/lifecycle-in-memory';
import { fetchBatch } from './fetch-batch';

describe('fetchBatch', () => {
  it('takes pending events and queued ones with an event name (a retried hand-off), in the order asked', async () => {
    const store = new InMemoryLifecycleEventStore([
      lifecycleEvent({ id: 'pending' }),
      lifecycleEvent({ id: 'waiting-pipeline', event_name: null }),
      lifecycleEvent({ id: 'queued', status: 'queued' }),
      lifecycleEvent({ id: 'sent', status: 'sent' }),
    ]);
    const ids = ['queued', 'sent', 'pending', 'waiting-pipeline', 'missing'];
    expect((await fetchBatch(store, ids)).map((event) => event.id)).toEqual([
      'queued',
      'pending',
      'waiting-pipeline',
    ]);
  });
});
