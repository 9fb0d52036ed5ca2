import type {
  DispatchRepository,
  JourneyWithTouches,
  LifecycleBatchRepository,
  LifecycleEventRow,
  LifecycleJoinRepository,
  LifecycleOutcome,
} from '@app/db';
import type { JoinResult, LduOptions } from '@app/journey';

/**
 * What the lifecycle steps need of the repositories (the Nest repositories satisfy these; the steps' unit
 * tests use in-memory ones).
 */
export type LifecycleEventStore = Pick<
  LifecycleBatchRepository,
  'events' | 'quickJoin' | 'linkCrmRecords' | 'journeys' | 'setOutcomes'
>;
export type LearnedHintsStore = Pick<LifecycleJoinRepository, 'mergeHints'>;
export type DispatchStore = Pick<DispatchRepository, 'queueMany' | 'claimForJob'>;

/** The full, per-event join (CRM API, email, phone): LifecycleJoiner. */
export interface FullJoin {
  join(event: LifecycleEventRow): Promise<JoinResult>;
}

/** A change joined to its journey. */
export interface JoinedChange {
  event: LifecycleEventRow;
  visitorId: string;
  joinMethod: string;
}

/** A joined change that passed the gates, with its journey row (and the linked rows fetched with it). */
export interface GatedChange extends JoinedChange {
  row: JourneyWithTouches;
  journeys: Map<string, JourneyWithTouches>;
  ldu?: LduOptions;
}

/** Every step adds the outcomes of the changes it stops to the batch's list. */
export type Outcomes = LifecycleOutcome[];
