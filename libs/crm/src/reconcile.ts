// The reconciliation sweep's view of a CRM: pages of the records whose stage field may have changed since a
// cursor, each turned into the LifecycleChange its webhook would have produced. Each CRM folder implements
// it over its API client (hubspot/reconcile.ts, gohighlevel/reconcile.ts, salesforce/reconcile.ts).
import type { CrmProvider, LifecycleChange } from './lifecycle-change';

export interface ReconcilePage {
  /** The stage changes of this page, as their webhooks would carry them. */
  changes: LifecycleChange[];
  /** Where the next sweep starts, once these changes are stored; undefined: do not move the cursor yet. */
  cursor?: Date;
  /** The next page of this run (opaque); undefined on the last page. */
  next?: string;
}

export interface CrmReconcileSource {
  readonly provider: CrmProvider;
  /** The record kinds swept, each with a cursor of its own (`deal`, `contact`, `opportunity`, `lead`). */
  readonly objects: readonly string[];
  /** One page of `object` records changed since `since`; `next` continues the same run. */
  page(object: string, since: Date, next?: string): Promise<ReconcilePage>;
}
