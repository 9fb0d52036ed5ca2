import type { LifecycleOutcome } from '@app/db';
import {
  InMemoryLifecycleEventStore,
  journeyRow,
  lifecycleEvent,
} from '../../../../test/support/lifecycle-in-memory';
import { gateBatch } from './gate-batch';

const now = new Date('2026-01-10T12:05:00Z');
const joined = (id: string, visitorId: string) => ({
  event: lifecycleEvent({ id }),
  visitorId,
  joinMethod: 'email',
});

describe('gateBatch', () => {
  const store = new InMemoryLifecycleEventStore(
    [],
    [journeyRow({ visitor_id: 'ok' }), journeyRow({ visitor_id: 'bot', bots: [true, true] })],
  );

  it('passes journeys the gates allow, with their rows; records the others', async () => {
    const outcomes: LifecycleOutcome[] = [];
    const gated = await gateBatch(
      [joined('e1', 'ok'), joined('e2', 'bot'), joined('e3', 'gone')],
      { store, destinationReady: true, now },
      outcomes,
    );
    expect(gated.map((entry) => [entry.event.id, entry.row.visitor_id, entry.ldu])).toEqual([
      ['e1', 'ok', undefined],
    ]);
    expect(outcomes).toEqual([
      {
        id: 'e2',
        visitorId: 'bot',
        joinMethod: 'email',
        status: 'blocked_bot',
        statusReason: 'all_touchpoints_bots',
      },
      { id: 'e3', status: 'unjoined', statusReason: 'the visitor disappeared' },
    ]);
  });

  it('holds an allowed event while no destination is configured', async () => {
    const outcomes: LifecycleOutcome[] = [];
    expect(await gateBatch([joined('e1', 'ok')], { store, destinationReady: false, now }, outcomes)).toEqual(
      [],
    );
    expect(outcomes).toEqual([
      {
        id: 'e1',
        visitorId: 'ok',
        joinMethod: 'email',
        status: 'waiting_destination',
        statusReason: 'no destination: set META_PIXEL_ID and META_ACCESS_TOKEN',
      },
    ]);
  });

  it('asks nothing for an empty batch', async () => {
    expect(
      await gateBatch(
        [],
        { store: { journeys: () => Promise.reject(new Error('asked')) }, destinationReady: true, now },
        [],
      ),
    ).toEqual([]);
  });
});
