import {
  type ChangeSource,
  type CrmReconcileSource,
  type LifecycleChange,
  type StageMap,
  storedLifecycleChange,
  type StoredLifecycleChange,
} from '@app/crm';

/** A record's stage field (the shape of CrmReconcileRepository.latestStages). */
export interface ReconciledRecord {
  objectType: string;
  objectId: string;
  stageField: string;
}

const recordKey = (record: ReconciledRecord) =>
  `${record.objectType}:${record.objectId}:${record.stageField}`;

/** What a sweep needs of Postgres: the cursors, the stages stored, and the webhooks' store. */
export interface ReconcileStore {
  cursor(provider: string, objectType: string): Promise<Date | undefined>;
  advance(provider: string, objectType: string, to: Date): Promise<void>;
  latestStages(
    provider: string,
    records: ReconciledRecord[],
  ): Promise<(ReconciledRecord & { stage: string })[]>;
  /** Stores the changes as one delivery, exactly as a webhook's (duplicates by dedupe key are not stored). */
  store(
    provider: string,
    changes: StoredLifecycleChange[],
    source: ChangeSource,
  ): Promise<{ stored: number; duplicates: number }>;
}

export interface ReconcileOptions {
  stageMap: StageMap;
  /** A backfill: sweep from here instead of the stored cursor. */
  since?: Date;
  /** What the stored changes are marked as found by: the scheduled sweep (default) or a backfill. */
  source?: Exclude<ChangeSource, 'webhook'>;
  /** Without a cursor (a first sweep), look back this far. */
  firstLookbackMs: number;
  /**
   * Each sweep reads again this far before its cursor: a CRM's search index lags its records by seconds (a
   * change dated before the last sweep may only show now). Re-read changes are recognised as known.
   */
  overlapMs: number;
  /**
   * Pages per record kind and run that move the cursor on; the next run goes on from there. A backfill
   * (`since`) reads on to the end (a run again would start at `since`), and so does a CRM whose pages move
   * no cursor before the last (HighLevel's search has no time filter: a run cut short would start at page
   * one again).
   */
  maxPages: number;
  now?: () => Date;
}

export interface ReconcileOutcome {
  /** Changes the CRM showed in the window. */
  found: number;
  stored: number;
  /** Changes already stored: the same dedupe key, or the record's stage as last stored. */
  known: number;
  /** Changes no event is mapped to (a webhook would store them `unmapped`; the sweep leaves them). */
  unmapped: number;
}

const recordOf = (change: LifecycleChange): ReconciledRecord => ({
  objectType: change.objectType,
  objectId: change.objectId,
  stageField: change.stageField,
});

/**
 * The changes of a page worth storing: mapped to an event (or waiting for a pipeline that may map them), one
 * per dedupe key, and not the stage last stored for that record (however it came: a webhook's key may be
 * one the API cannot rebuild, a Salesforce notification Id, a HighLevel webhookId).
 */
export function newChanges(
  changes: LifecycleChange[],
  stored: (ReconciledRecord & { stage: string })[],
  stageMap: StageMap,
): { fresh: LifecycleChange[]; known: number; unmapped: number } {
  const latest = new Map(stored.map((record) => [recordKey(record), record.stage]));
  const mapped = changes.filter((change) => stageMap.eventFor(change) || stageMap.needsPipeline(change));
  const seen = new Set<string>();
  const fresh = mapped.filter((change) => {
    if (seen.has(change.dedupeKey) || latest.get(recordKey(recordOf(change))) === change.stage) return false;
    seen.add(change.dedupeKey);
    return true;
  });
  return { fresh, known: mapped.length - fresh.length, unmapped: changes.length - mapped.length };
}

/**
 * One sweep of one CRM: for each record kind, pages of changes since its cursor (or `since`), the new ones
 * stored through the webhooks' path, the cursor advanced only once its page is stored (a failure leaves it
 * where the last stored page put it, so the next run reads that page again).
 */
export async function reconcileCrm(
  source: CrmReconcileSource,
  store: ReconcileStore,
  options: ReconcileOptions,
): Promise<ReconcileOutcome> {
  const outcome: ReconcileOutcome = { found: 0, stored: 0, known: 0, unmapped: 0 };
  const now = options.now ?? (() => new Date());
  for (const object of source.objects) {
    const cursor = await store.cursor(source.provider, object);
    const since =
      options.since ??
      (cursor
        ? new Date(cursor.getTime() - options.overlapMs)
        : new Date(now().getTime() - options.firstLookbackMs));
    let next: string | undefined;
    // Pages that moved the cursor past where this run found it: re-reading the overlap counts for nothing,
    // or more than maxPages of records changed within it would hold every run at the same place.
    let ahead = 0;
    for (;;) {
      const page = await source.page(object, since, next);
      const latest = await store.latestStages(source.provider, page.changes.map(recordOf));
      const { fresh, known, unmapped } = newChanges(page.changes, latest, options.stageMap);
      const saved = fresh.length
        ? await store.store(
            source.provider,
            fresh.map((change) => storedLifecycleChange(change, options.stageMap)),
            options.source ?? 'reconcile',
          )
        : { stored: 0, duplicates: 0 };
      if (page.cursor) await store.advance(source.provider, object, page.cursor);
      outcome.found += page.changes.length;
      outcome.stored += saved.stored;
      outcome.known += known + saved.duplicates;
      outcome.unmapped += unmapped;
      if (page.cursor && (!cursor || page.cursor > cursor)) ahead++;
      next = page.next;
      if (!next || (!options.since && ahead >= options.maxPages)) break;
    }
  }
  return outcome;
}
