import type { LifecycleOutcome } from '@app/db';
import type { CapiServerEvent } from '@app/destinations';
import {
  InMemoryCapiEventStore,
  journeyRow,
  lifecycleEvent,
} from '../../../../test/support/lifecycle-in-memory';
import type { BuiltCapiEvent } from './build-batch';
import { recordBatch } from './record-batch';

const built = (id: string, eventId: string): BuiltCapiEvent => {
  const row = journeyRow();
  return {
    change: { event: lifecycleEvent({ id }), visitorId: 'v1', joinMethod: 'email', row, journeys: new Map() },
    eventId,
    payload: { event_name: 'Purchase', event_id: eventId } as CapiServerEvent,
    contributors: ['v1'],
    knownKeys: ['em'],
    note: null,
  };
};

describe('recordBatch', () => {
  it('queues new events, marks a second change of the same CRM object as a duplicate, keeps sent ones sent', async () => {
    const store = new InMemoryCapiEventStore();
    await store.queueMany('pixel', [
      { lifecycleEventId: 'old', eventId: 'x-sent', eventName: 'Purchase', payload: {} as CapiServerEvent },
    ]);
    store.rows[0].status = 'sent';
    const outcomes: LifecycleOutcome[] = [];

    const toDispatch = await recordBatch(
      [built('e1', 'x-1'), built('e2', 'x-1'), built('old', 'x-sent')],
      { store, destination: 'pixel' },
      outcomes,
    );

    expect(toDispatch).toEqual(['c2']);
    expect(store.rows.map((row) => [row.lifecycleEventId, row.destination, row.payload.event_id])).toEqual([
      ['old', 'pixel', undefined],
      ['e1', 'pixel', 'x-1'],
    ]);
    const base = { visitorId: 'v1', joinMethod: 'email', note: null };
    expect(outcomes).toEqual([
      { ...base, id: 'e1', eventId: 'x-1', status: 'queued' },
      {
        ...base,
        id: 'e2',
        eventId: 'x-1',
        status: 'duplicate',
        statusReason: 'this CRM object already produced Purchase (event_id x-1)',
      },
      { ...base, id: 'old', eventId: 'x-sent', status: 'sent' },
    ]);
  });
});
