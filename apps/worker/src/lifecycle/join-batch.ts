import type { CrmLink, LifecycleEventRow } from '@app/db';
import { firstJoinSteps, type JoinResult } from '@app/journey';
import { forEachLimited } from './for-each-limited';
import type {
  FullJoin,
  JoinedChange,
  LearnedHintsStore,
  LifecycleEventStore,
  Outcomes,
} from './lifecycle-steps';
import { prefetchedLookups } from './quick-join';

/** Events of one job that need the full join (CRM API calls) at once. */
const FULL_JOIN_CONCURRENCY = 8;

/**
 * Each event's join (libs/journey's order): the first steps for the whole batch from one statement, the full
 * join for the rest (CRM API, email, phone). Events not joined get their outcome; an event whose full join
 * fails (CRM API down) is left pending, its error in `failures` for the job's retry.
 */
export async function joinBatch(
  events: LifecycleEventRow[],
  deps: {
    store: Pick<LifecycleEventStore, 'quickJoin' | 'linkCrmRecords'>;
    joiner: FullJoin;
    hints: LearnedHintsStore;
  },
  outcomes: Outcomes,
  failures: Error[],
): Promise<JoinedChange[]> {
  const quick = new Map(
    (await deps.store.quickJoin(events.map((event) => event.id))).map((row) => [row.id, row]),
  );
  const verdicts = new Map<LifecycleEventRow, JoinResult>();
  const links: CrmLink[] = [];
  const rest: LifecycleEventRow[] = [];
  for (const event of events) {
    const row = quick.get(event.id);
    const decision = row && (await firstJoinSteps(event, prefetchedLookups(row)));
    if (!decision) {
      rest.push(event);
      continue;
    }
    verdicts.set(event, decision.result);
    if (decision.result.kind === 'joined') {
      const { visitorId } = decision.result;
      for (const record of decision.link) {
        links.push({ visitorId, provider: event.provider, objectType: record.object_type, crmId: record.id });
      }
    }
  }
  await deps.store.linkCrmRecords(links);
  await forEachLimited(rest, FULL_JOIN_CONCURRENCY, async (event) => {
    try {
      const join = await deps.joiner.join(event); // links what it finds itself
      if (join.kind === 'unjoined' && join.learned) await deps.hints.mergeHints(event.id, join.learned);
      verdicts.set(event, join);
    } catch (error) {
      failures.push(error as Error); // left pending: the job's retry tries it again
    }
  });
  const joined: JoinedChange[] = [];
  for (const [event, join] of verdicts) {
    if (join.kind === 'joined') joined.push({ event, visitorId: join.visitorId, joinMethod: join.method });
    else outcomes.push({ id: event.id, status: join.kind, statusReason: join.reason });
  }
  return joined;
}
