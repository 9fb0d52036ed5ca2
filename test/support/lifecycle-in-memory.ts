// In-memory implementations of the repositories the lifecycle steps need (apps/worker/src/lifecycle), and
// builders of their rows, for the steps' unit tests.
import type { CrmLink, JourneyWithTouches, LifecycleEventRow, LifecycleOutcome, QuickJoinRow } from '@app/db';
import type { LearnedHints } from '@app/journey';
import type {
  DispatchStore,
  LearnedHintsStore,
  LifecycleEventStore,
} from '../../apps/worker/src/lifecycle/lifecycle-steps';

export function lifecycleEvent(fields: Partial<LifecycleEventRow> = {}): LifecycleEventRow {
  return {
    id: 'e1',
    provider: 'hubspot',
    tenant: 't',
    object_type: 'deal',
    object_id: 'd1',
    pipeline: 'default',
    stage_field: 'dealstage',
    stage: 'closedwon',
    won: true,
    event_name: 'Purchase',
    status: 'pending',
    occurred_at: new Date('2026-01-10T12:00:00Z'),
    value: null,
    currency: null,
    lead_id: null,
    note: null,
    event_id: null,
    hints: { crm_records: [{ object_type: 'deal', id: 'd1' }], email_hashes: [], phone_hashes: [] },
    ...fields,
  };
}

export function journeyRow(fields: Partial<JourneyWithTouches> = {}): JourneyWithTouches {
  return {
    visitor_id: 'v1',
    external_id: 'ext-1',
    first_fbc: null,
    first_fbc_at: null,
    first_fbp: null,
    first_ip: null,
    first_user_agent: null,
    consent: null,
    lead_id: null,
    hashes: [{ key_type: 'em', hash: 'a'.repeat(64) }],
    bots: [false],
    last_seen_at: new Date('2026-01-09T00:00:00Z'),
    first_touch: null,
    last_touch: null,
    direct_touch: null,
    linked_visitor_ids: [],
    ...fields,
  };
}

/** lifecycle_events, the quick join's answers, crm_links and journeys, held in maps. */
export class InMemoryLifecycleEventStore implements LifecycleEventStore {
  readonly events$ = new Map<string, LifecycleEventRow>();
  readonly quick = new Map<string, QuickJoinRow>();
  readonly journeys$ = new Map<string, JourneyWithTouches>();
  readonly links: CrmLink[] = [];
  readonly outcomes: LifecycleOutcome[] = [];

  constructor(events: LifecycleEventRow[] = [], journeys: JourneyWithTouches[] = []) {
    for (const event of events) this.events$.set(event.id, event);
    for (const row of journeys) this.journeys$.set(row.visitor_id, row);
  }

  answer(id: string, fields: Partial<QuickJoinRow>): this {
    this.quick.set(id, {
      id,
      crm_record_erased: false,
      external_id_erased: false,
      by_external_id: null,
      by_crm_link: null,
      ...fields,
    });
    return this;
  }

  async events(ids: string[]) {
    return ids.flatMap((id) => this.events$.get(id) ?? []);
  }
  async quickJoin(ids: string[]) {
    return ids.map((id) => this.quick.get(id) ?? this.answer(id, {}).quick.get(id)!);
  }
  async linkCrmRecords(links: CrmLink[]) {
    this.links.push(...links);
  }
  async journeys(visitorIds: string[]) {
    return visitorIds.flatMap((id) => this.journeys$.get(id) ?? []);
  }
  async setOutcomes(outcomes: LifecycleOutcome[]) {
    this.outcomes.push(...outcomes);
    return outcomes.length;
  }
}

export class InMemoryHintsStore implements LearnedHintsStore {
  readonly merged = new Map<string, LearnedHints>();
  async mergeHints(id: string, learned: LearnedHints) {
    this.merged.set(id, learned);
  }
}

type QueueInput = Parameters<DispatchStore['queueMany']>[1][number];
type Target = Parameters<DispatchStore['queueMany']>[0];

/** dispatches with their two unique keys per destination (lifecycle event, event_id) and the job claims. */
export class InMemoryDispatchStore implements DispatchStore {
  readonly rows: (QueueInput & { id: string; platform: string; destination: string; jobId?: string })[] = [];

  async queueMany(
    { platform, destination }: Target,
    inputs: QueueInput[],
    _testCode?: string,
    jobId?: string,
  ) {
    const mine = () =>
      this.rows.filter((row) => row.platform === platform && row.destination === destination);
    for (const input of inputs) {
      const skipped = mine().find(
        (row) => row.lifecycleEventId === input.lifecycleEventId && row.status === 'skipped',
      );
      if (skipped)
        Object.assign(skipped, {
          status: input.status,
          statusReason: input.statusReason,
          payload: input.payload,
        });
      const taken = mine().some(
        (row) => row.lifecycleEventId === input.lifecycleEventId || row.eventId === input.eventId,
      );
      if (!taken) {
        const carrier = input.status === 'queued' ? jobId : undefined;
        this.rows.push({ ...input, id: `c${this.rows.length + 1}`, platform, destination, jobId: carrier });
      }
    }
    return inputs.map((input) => {
      const owner =
        mine().find((row) => row.lifecycleEventId === input.lifecycleEventId) ??
        mine().find((row) => row.eventId === input.eventId)!;
      const carrier = owner.jobId ?? null;
      return { id: owner.id, status: owner.status, lifecycleEventId: owner.lifecycleEventId, jobId: carrier };
    });
  }

  async claimForJob(ids: string[], jobId: string) {
    return this.rows
      .filter((row) => ids.includes(row.id) && (row.jobId === undefined || row.jobId === jobId))
      .map((row) => {
        row.jobId = jobId;
        return row.id;
      });
  }
}
