// HighLevel's side of the reconciliation sweep (crm-webhooks.md §5: HighLevel retries nothing but a 429, so
// a change sent while we were down is gone). The opportunity search has no documented "updated since"
// filter or order, so a run reads every page and keeps the opportunities whose status or stage changed
// since the cursor; the cursor moves to the run's start only after its last page. Each change is the one
// the OpportunityStatusUpdate / OpportunityStageUpdate webhook carries, keyed as such a webhook without a
// `webhookId` is (parse.ts): a delivery that had one is recognised by the sweep's known-stage check instead.
import type { JoinHints, LifecycleChange } from '../lifecycle-change';
import type { CrmReconcileSource, ReconcilePage } from '../reconcile';
import type { GoHighLevelApiClient, GoHighLevelOpportunity, GoHighLevelSearchCursor } from './api-client';
import { compositeKey } from './fields';

interface RunState {
  /** When the run's first page was asked for: the cursor once its last page is stored. */
  startedAt: string;
  cursor: GoHighLevelSearchCursor;
}

export class GoHighLevelReconcileSource implements CrmReconcileSource {
  readonly provider = 'gohighlevel';
  readonly objects = ['opportunity'] as const;

  constructor(
    private readonly api: GoHighLevelApiClient,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async page(_object: string, since: Date, next?: string): Promise<ReconcilePage> {
    const state = next ? (JSON.parse(next) as RunState) : undefined;
    const startedAt = state?.startedAt ?? this.now().toISOString();
    const found = await this.api.searchOpportunities(state?.cursor);
    const changes = found.opportunities.flatMap((opportunity) =>
      goHighLevelChanges(opportunity, this.api.locationId, since),
    );
    if (found.next) {
      return { changes, next: JSON.stringify({ startedAt, cursor: found.next } satisfies RunState) };
    }
    return { changes, cursor: new Date(startedAt) };
  }
}

/**
 * The status and stage changes an opportunity shows since `since`: its status (open, won, lost, abandoned)
 * when `lastStatusChangeAt` is in the window, its pipeline stage when `lastStageChangeAt` is. Without those
 * times, `updatedAt` stands in (and the key then has no time, as a webhook without one).
 */
export function goHighLevelChanges(
  opportunity: GoHighLevelOpportunity,
  locationId: string,
  since: Date,
): LifecycleChange[] {
  const tenant = opportunity.locationId ?? locationId;
  const changes: LifecycleChange[] = [];
  const inWindow = (at?: string) => at !== undefined && Date.parse(at) >= since.getTime();
  const base = {
    provider: 'gohighlevel' as const,
    tenant,
    objectType: 'opportunity' as const,
    objectId: opportunity.id,
    ...(opportunity.pipelineId && { pipeline: opportunity.pipelineId }),
    ...(opportunity.monetaryValue !== undefined && { value: opportunity.monetaryValue }),
    hints: hintsOf(opportunity),
  };
  const statusAt = opportunity.lastStatusChangeAt;
  if (opportunity.status && inWindow(statusAt ?? opportunity.updatedAt)) {
    changes.push({
      ...base,
      stageField: 'status',
      stage: opportunity.status,
      won: opportunity.status === 'won',
      occurredAt: (statusAt ?? opportunity.updatedAt)!,
      dedupeKey: compositeKey(
        'OpportunityStatusUpdate',
        tenant,
        opportunity.id,
        opportunity.status,
        statusAt ?? '',
      ),
    });
  }
  const stageAt = opportunity.lastStageChangeAt;
  if (opportunity.pipelineStageId && inWindow(stageAt ?? opportunity.updatedAt)) {
    changes.push({
      ...base,
      stageField: 'pipelineStageId',
      stage: opportunity.pipelineStageId,
      occurredAt: (stageAt ?? opportunity.updatedAt)!,
      dedupeKey: compositeKey(
        'OpportunityStageUpdate',
        tenant,
        opportunity.id,
        opportunity.pipelineStageId,
        stageAt ?? '',
      ),
    });
  }
  return changes;
}

function hintsOf(opportunity: GoHighLevelOpportunity): JoinHints {
  return {
    crmRecords: [
      { objectType: 'opportunity', id: opportunity.id },
      ...(opportunity.contactId ? [{ objectType: 'contact' as const, id: opportunity.contactId }] : []),
    ],
    emailHashes: [],
    phoneHashes: [],
  };
}
