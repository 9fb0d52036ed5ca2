import type { QuickJoinRow } from '@app/db';
import { ERASED_CRM_RECORD, ERASED_EXTERNAL_ID, type JoinResult } from './join-result';

/**
 * The join's first steps (tombstones, our external_id, a linked CRM record), decided from one set-wise
 * lookup, in the same order and with the same reasons as LifecycleJoiner. `undefined`: none decided it, the
 * event takes the full join (CRM API, email, phone).
 */
export function quickJoinVerdict(row: QuickJoinRow | undefined): JoinResult | undefined {
  if (!row) return undefined;
  if (row.crm_record_erased) return { kind: 'erased', reason: ERASED_CRM_RECORD };
  if (row.external_id_erased) return { kind: 'erased', reason: ERASED_EXTERNAL_ID };
  if (row.by_external_id) return { kind: 'joined', visitorId: row.by_external_id, method: 'external_id' };
  if (row.by_crm_link) return { kind: 'joined', visitorId: row.by_crm_link, method: 'crm_link' };
  return undefined;
}
