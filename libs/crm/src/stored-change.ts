// A LifecycleChange as it is stored (lifecycle_events), whoever found it: a webhook or the reconciliation
// sweep. One function, so a change found by the sweep is the row its webhook would have written.
import type { LifecycleChange } from './lifecycle-change';
import type { StageMap } from './stage-map';

/** Who found a stored change: its webhook, the scheduled reconciliation sweep, or `npm run crm:backfill`. */
export type ChangeSource = 'webhook' | 'reconcile' | 'backfill';

/** The row of one change (the shape WebhookInboxRepository.store takes). */
export interface StoredLifecycleChange {
  provider: string;
  tenant: string;
  dedupeKey: string;
  objectType: string;
  objectId: string;
  pipeline?: string;
  stageField: string;
  stage: string;
  won?: boolean;
  eventName: string | null;
  status: 'pending' | 'unmapped';
  statusReason?: string;
  occurredAt: Date;
  value?: number;
  currency?: string;
  leadId?: string;
  hints: {
    external_id?: string;
    crm_records: { object_type: string; id: string }[];
    email_hashes: string[];
    phone_hashes: string[];
  };
}

/**
 * The stored row of a change, mapped to its event. A change without a pipeline that a pipeline rule may
 * match (HubSpot subscription events) is stored `pending` even when unmapped: the worker reads the deal's
 * pipeline and maps it again before anything is sent, so a pipeline rule is never missed and an unmapped
 * stage is never dropped before it is known.
 */
export function storedLifecycleChange(change: LifecycleChange, stageMap: StageMap): StoredLifecycleChange {
  const eventName = stageMap.eventFor(change);
  const awaitsPipeline = stageMap.needsPipeline(change);
  return {
    provider: change.provider,
    tenant: change.tenant,
    dedupeKey: change.dedupeKey,
    objectType: change.objectType,
    objectId: change.objectId,
    pipeline: change.pipeline,
    stageField: change.stageField,
    stage: change.stage,
    won: change.won,
    eventName,
    status: eventName || awaitsPipeline ? 'pending' : 'unmapped',
    statusReason: awaitsPipeline
      ? 'mapped again once the worker reads the pipeline (the delivery names none, a pipeline rule may apply)'
      : eventName
        ? undefined
        : `no event is mapped to ${change.objectType} ${change.stageField} = ${change.stage}`,
    occurredAt: new Date(change.occurredAt),
    value: change.value,
    currency: change.currency,
    leadId: change.leadId,
    hints: {
      external_id: change.hints.externalId,
      crm_records: change.hints.crmRecords.map((record) => ({
        object_type: record.objectType,
        id: record.id,
      })),
      email_hashes: change.hints.emailHashes,
      phone_hashes: change.hints.phoneHashes,
    },
  };
}
