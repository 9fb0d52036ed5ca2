import type { QuickJoinRow } from '@app/db';
import type { FirstStepLookups } from '@app/journey';

/**
 * The first join steps' lookups answered from the batch's one statement (LifecycleBatchRepository.quickJoin):
 * the order is libs/journey's `firstJoinSteps`, and no event of the batch costs a query of its own.
 */
export function prefetchedLookups(row: QuickJoinRow): FirstStepLookups {
  return {
    crmRecordErased: () => Promise.resolve(row.crm_record_erased),
    externalIdErased: () => Promise.resolve(row.external_id_erased),
    visitorByExternalId: () => Promise.resolve(row.by_external_id ?? undefined),
    visitorByCrmRecords: () => Promise.resolve(row.by_crm_link ?? undefined),
  };
}
