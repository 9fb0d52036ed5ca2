import type { LifecycleOutcome } from '@app/db';
import {
  InMemoryLifecycleEventStore,
  journeyRow,
  lifecycleEvent,
} from '../../../../test/support/lifecycle-in-memory';
import { fetchJourneys, gateBatch } from './gate-batch';

const now = new Date('2026-01-10T12:05:00Z');
const joined = (id: string, visitorId: string) => ({
  event: lifecycleEvent({ id }),
  visitorId,
  joinMethod: 'email',
});

describe('fetchJourneys', () => {
  it('maps the joined visitors to their journeys, and asks nothing for an empty batch', async () => {
    const store = new InMemoryLifecycleEventStore([], [journeyRow({ visitor_id: 'v1' })]);
    expect([...(await fetchJourneys([joined('e1', 'v1'), joined('e2', 'gone')], store)).keys()]).toEqual([
      'v1',
    ]);
    const refusing = { journeys: () => Promise.reject(new Error('asked')) };
    expect((await fetchJourneys([], refusing)).size).toBe(0);
  });
});

describe('gateBatch', () => {
  const journeys = new Map(
    [journeyRow({ visitor_id: 'ok' }), journeyRow({ visitor_id: 'bot', bots: [true, true] })].map((row) => [
      row.visitor_id,
      row,
    ]),
  );

  it('passes journeys the gates allow, with their rows; records the others', () => {
    const outcomes: LifecycleOutcome[] = [];
    const gated = gateBatch(
      [joined('e1', 'ok'), joined('e2', 'bot'), joined('e3', 'gone')],
      journeys,
      { destinationReady: true, now },
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

  it('holds an allowed event while no destination is configured', () => {
    const outcomes: LifecycleOutcome[] = [];
    expect(gateBatch([joined('e1', 'ok')], journeys, { destinationReady: false, now }, outcomes)).toEqual([]);
    expect(outcomes).toEqual([
      {
        id: 'e1',
        visitorId: 'ok',
        joinMethod: 'email',
        status: 'waiting_destination',
        statusReason:
          'no destination: set META_PIXEL_ID and META_ACCESS_TOKEN (or Google, TikTok or LinkedIn settings)',
      },
    ]);
  });
});
