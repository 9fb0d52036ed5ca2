import type { LifecycleEventRow, LifecycleOutcome } from '@app/db';
import type { JoinResult } from '@app/journey';
import {
  InMemoryHintsStore,
  InMemoryLifecycleEventStore,
  lifecycleEvent,
} from '../../../../test/support/lifecycle-in-memory';
import { joinBatch } from './join-batch';

/** A full join answering from a table, counting the events it was asked about. */
function fullJoin(answers: Record<string, JoinResult | Error>) {
  const asked: string[] = [];
  return {
    asked,
    join: async (event: LifecycleEventRow) => {
      asked.push(event.id);
      const answer = answers[event.id];
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
}

describe('joinBatch', () => {
  const events = ['quick', 'erased', 'api', 'nobody', 'down'].map((id) =>
    lifecycleEvent({ id, hints: { ...lifecycleEvent().hints, external_id: `ext-${id}` } }),
  );

  it('places what the batch statement decides, takes the full join for the rest, links and learns', async () => {
    const store = new InMemoryLifecycleEventStore(events)
      .answer('quick', { by_crm_link: 'v1' })
      .answer('erased', { external_id_erased: true, by_external_id: 'v9' });
    const hints = new InMemoryHintsStore();
    const learned = { email_hashes: ['e'], phone_hashes: [], crm_records: [] };
    const joiner = fullJoin({
      api: { kind: 'joined', visitorId: 'v2', method: 'crm_api' },
      nobody: { kind: 'unjoined', reason: 'no journey', learned },
      down: new Error('HubSpot 503'),
    });
    const outcomes: LifecycleOutcome[] = [];
    const failures: Error[] = [];

    const joined = await joinBatch(events, { store, joiner, hints }, outcomes, failures);

    expect(joiner.asked.sort()).toEqual(['api', 'down', 'nobody']);
    expect(joined.map(({ event, visitorId, joinMethod }) => [event.id, visitorId, joinMethod])).toEqual([
      ['quick', 'v1', 'crm_link'],
      ['api', 'v2', 'crm_api'],
    ]);
    expect(outcomes).toEqual([
      { id: 'erased', status: 'erased', statusReason: 'the journey of this external_id was erased' },
      { id: 'nobody', status: 'unjoined', statusReason: 'no journey' },
    ]);
    expect(store.links).toEqual([{ visitorId: 'v1', provider: 'hubspot', objectType: 'deal', crmId: 'd1' }]);
    expect(hints.merged.get('nobody')).toEqual(learned);
    expect(failures.map((error) => error.message)).toEqual(['HubSpot 503']);
  });
});
