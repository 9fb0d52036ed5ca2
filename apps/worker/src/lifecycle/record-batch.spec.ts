import type { LifecycleOutcome } from '@app/db';
import type { BuildDecision } from '@app/destinations';
import {
  InMemoryDispatchStore,
  journeyRow,
  lifecycleEvent,
} from '../../../../test/support/lifecycle-in-memory';
import type { BuiltChange } from './build-batch';
import { recordBatch } from './record-batch';

const send = (eventId: string): BuildDecision<unknown> => ({
  kind: 'send',
  eventId,
  payload: { event_name: 'Purchase', event_id: eventId },
});
const skip = (reason: string): BuildDecision<unknown> => ({ kind: 'skip', reason });

const built = (
  id: string,
  eventId: string,
  decisions: Record<string, BuildDecision<unknown>> = { meta: send(eventId) },
): BuiltChange => {
  const row = journeyRow();
  return {
    change: { event: lifecycleEvent({ id }), visitorId: 'v1', joinMethod: 'email', row, journeys: new Map() },
    eventId,
    decisions: Object.entries(decisions).map(([platform, decision]) => ({
      platform,
      destination: `${platform}-account`,
      decision,
    })),
    contributors: ['v1'],
    knownKeys: ['em'],
    note: null,
  };
};
const base = { visitorId: 'v1', joinMethod: 'email', note: null };

describe('recordBatch', () => {
  it('queues new events, marks a second change of the same CRM object as a duplicate, keeps sent ones sent', async () => {
    const store = new InMemoryDispatchStore();
    await store.queueMany({ platform: 'meta', destination: 'meta-account' }, [
      { lifecycleEventId: 'old', eventId: 'x-sent', eventName: 'Purchase', status: 'queued', payload: {} },
    ]);
    Object.assign(store.rows[0], { status: 'sent' });
    const outcomes: LifecycleOutcome[] = [];

    const toDispatch = await recordBatch(
      [built('e1', 'x-1'), built('e2', 'x-1'), built('old', 'x-sent')],
      { store },
      outcomes,
    );

    expect(toDispatch).toEqual([{ platform: 'meta', destination: 'meta-account', ids: ['c2'] }]);
    expect(store.rows.map((row) => [row.lifecycleEventId, row.destination, row.eventId])).toEqual([
      ['old', 'meta-account', 'x-sent'],
      ['e1', 'meta-account', 'x-1'],
    ]);
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

  it("records each destination's decision, queues per destination, and says why one gets nothing", async () => {
    const store = new InMemoryDispatchStore();
    const outcomes: LifecycleOutcome[] = [];
    const toDispatch = await recordBatch(
      [
        built('e1', 'x-1', {
          meta: send('x-1'),
          google: send('x-1'),
          tiktok: skip('nothing TikTok can match on (no ttclid, email or phone)'),
        }),
      ],
      { store },
      outcomes,
    );
    expect(toDispatch).toEqual([
      { platform: 'meta', destination: 'meta-account', ids: ['c1'] },
      { platform: 'google', destination: 'google-account', ids: ['c2'] },
    ]);
    expect(store.rows.map((row) => [row.platform, row.status, row.statusReason])).toEqual([
      ['meta', 'queued', undefined],
      ['google', 'queued', undefined],
      ['tiktok', 'skipped', 'nothing TikTok can match on (no ttclid, email or phone)'],
    ]);
    expect(outcomes).toEqual([{ ...base, id: 'e1', eventId: 'x-1', status: 'queued' }]);
  });

  it('marks a change no destination takes as not sent, naming each reason; a skipped row decides again later', async () => {
    const store = new InMemoryDispatchStore();
    const outcomes: LifecycleOutcome[] = [];
    const nothing = { google: skip('nothing Google can match on'), linkedin: skip('not mapped') };
    await recordBatch([built('e1', 'x-1', nothing)], { store }, outcomes);
    expect(outcomes).toEqual([
      {
        ...base,
        id: 'e1',
        eventId: 'x-1',
        status: 'not_sent',
        statusReason: 'google: nothing Google can match on; linkedin: not mapped',
      },
    ]);
    const again = await recordBatch(
      [built('e1', 'x-1', { google: send('x-1'), linkedin: skip('not mapped') })],
      { store },
      [],
    );
    expect(again).toEqual([{ platform: 'google', destination: 'google-account', ids: ['c1'] }]);
  });

  it('inserts queued rows under the dispatch job that will carry them (no second write to claim them)', async () => {
    const store = new InMemoryDispatchStore();
    const toDispatch = await recordBatch(
      [built('e1', 'x-1', { meta: send('x-1'), tiktok: skip('nothing TikTok can match on') })],
      { store, jobIdFor: (platform) => `5-${platform}-d0` },
      [],
    );
    expect(toDispatch).toEqual([
      { platform: 'meta', destination: 'meta-account', ids: ['c1'], claimed: ['c1'] },
    ]);
    expect(store.rows.map((row) => [row.platform, row.status, row.jobId])).toEqual([
      ['meta', 'queued', '5-meta-d0'],
      ['tiktok', 'skipped', undefined],
    ]);
  });

  it('keeps the invalid status when every destination refused the event as invalid', async () => {
    const outcomes: LifecycleOutcome[] = [];
    const reason = 'not sent: the event failed validation before sending (event_name_missing)';
    await recordBatch(
      [built('e9', 'x-9', { meta: skip(reason) })],
      { store: new InMemoryDispatchStore() },
      outcomes,
    );
    expect(outcomes).toEqual([
      { ...base, id: 'e9', eventId: 'x-9', status: 'invalid', statusReason: reason },
    ]);
  });
});
