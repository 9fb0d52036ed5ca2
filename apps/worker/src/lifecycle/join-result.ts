export type JoinMethod = 'external_id' | 'crm_link' | 'crm_api' | 'email' | 'phone';

export type JoinResult =
  | { kind: 'joined'; visitorId: string; method: JoinMethod }
  | { kind: 'erased'; reason: string }
  | { kind: 'unjoined'; reason: string; learned?: LearnedHints };

export const ERASED_CRM_RECORD = 'a CRM record of this change belonged to an erased journey';
export const ERASED_EXTERNAL_ID = 'the journey of this external_id was erased';

/** What the CRM API told us about an unjoined change: kept on it so a later form can re-pend it. */
export interface LearnedHints {
  email_hashes: string[];
  phone_hashes: string[];
  crm_records: { object_type: string; id: string }[];
}
