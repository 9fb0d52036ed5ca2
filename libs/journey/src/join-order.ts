/**
 * The join of a CRM lifecycle change to its journey, in SPEC's order: tombstones, our external_id in the
 * payload, a linked CRM record, the CRM's associated contacts (their external_id, then their link), then a
 * hashed email, then a hashed phone. The lookups are injected: the worker answers the first steps of a whole
 * batch from one statement, and the rest per event.
 */
export type JoinMethod = 'external_id' | 'crm_link' | 'crm_api' | 'email' | 'phone';

export type JoinResult =
  | { kind: 'joined'; visitorId: string; method: JoinMethod }
  | { kind: 'erased'; reason: string }
  | { kind: 'unjoined'; reason: string; learned?: LearnedHints };

export const ERASED_CRM_RECORD = 'a CRM record of this change belonged to an erased journey';
export const ERASED_EXTERNAL_ID = 'the journey of this external_id was erased';
export const UNJOINED_REASON =
  'no journey matched its external_id, CRM ids, CRM contact, email or phone; retried when a form brings one';

export interface CrmRecordRef {
  object_type: string;
  id: string;
}

/** What the CRM API told us about an unjoined change: kept on it so a later form can re-pend it. */
export interface LearnedHints {
  email_hashes: string[];
  phone_hashes: string[];
  crm_records: CrmRecordRef[];
}

/** What a lifecycle change offers to join on. */
export interface JoinableChange {
  provider: string;
  hints: {
    external_id?: string;
    crm_records?: CrmRecordRef[];
    email_hashes?: string[];
    phone_hashes?: string[];
  };
}

/** A contact of the change as the CRM's API tells it, its email and phones already hashed. */
export interface CrmContactFacts {
  id: string;
  externalId?: string;
  emailHashes: string[];
  phoneHashes: string[];
}

/** The lookups of the first steps (all a batch's single statement needs to answer). */
export interface FirstStepLookups {
  crmRecordErased(provider: string, records: CrmRecordRef[]): Promise<boolean>;
  externalIdErased(externalId: string): Promise<boolean>;
  visitorByExternalId(externalId: string): Promise<string | undefined>;
  /** The most recently seen visitor linked to any of these records. */
  visitorByCrmRecords(provider: string, records: CrmRecordRef[]): Promise<string | undefined>;
}

export interface JoinLookups extends FirstStepLookups {
  /** The most recently seen visitor holding any of these hashes of one key type. */
  visitorByHash(keyType: 'em' | 'ph', hashes: string[]): Promise<string | undefined>;
  /** The change's contacts from the CRM's API, where there is a client for it; throws when the API fails. */
  crmContacts?(): Promise<CrmContactFacts[]>;
}

/** A join's verdict and, when joined, the CRM records to link to the visitor (the next change joins directly). */
export interface JoinDecision {
  result: JoinResult;
  link: CrmRecordRef[];
}

const joined = (visitorId: string, method: JoinMethod, link: CrmRecordRef[]): JoinDecision => ({
  result: { kind: 'joined', visitorId, method },
  link,
});

/** The first steps (tombstones, external_id, linked CRM record); `undefined` when none decides the change. */
export async function firstJoinSteps(
  change: JoinableChange,
  lookups: FirstStepLookups,
): Promise<JoinDecision | undefined> {
  const records = change.hints.crm_records ?? [];
  if (await lookups.crmRecordErased(change.provider, records)) {
    return { result: { kind: 'erased', reason: ERASED_CRM_RECORD }, link: [] };
  }
  const byExternalId = await joinByExternalIds([change.hints.external_id], lookups);
  if (byExternalId) return { result: byExternalId, link: byExternalId.kind === 'joined' ? records : [] };
  const byLink = await lookups.visitorByCrmRecords(change.provider, records);
  if (byLink) return joined(byLink, 'crm_link', records);
  return undefined;
}

/** The whole join: the first steps, then the CRM's contacts, email and phone. */
export async function joinLifecycleChange(
  change: JoinableChange,
  lookups: JoinLookups,
): Promise<JoinDecision> {
  const first = await firstJoinSteps(change, lookups);
  if (first) return first;
  const records = change.hints.crm_records ?? [];
  let emailHashes = change.hints.email_hashes ?? [];
  let phoneHashes = change.hints.phone_hashes ?? [];
  let learnedRecords: CrmRecordRef[] = [];

  if (lookups.crmContacts) {
    const contacts = await lookups.crmContacts();
    const viaApi = await joinByExternalIds(
      contacts.map((contact) => contact.externalId),
      lookups,
    );
    const contactRecords = contacts.map((contact) => ({ object_type: 'contact', id: contact.id }));
    if (viaApi?.kind === 'erased') return { result: viaApi, link: [] };
    if (viaApi?.kind === 'joined')
      return joined(viaApi.visitorId, 'crm_api', [...records, ...contactRecords]);
    const byContactLink = await lookups.visitorByCrmRecords(change.provider, contactRecords);
    if (byContactLink) return joined(byContactLink, 'crm_api', records);
    learnedRecords = contactRecords;
    emailHashes = [...emailHashes, ...contacts.flatMap((contact) => contact.emailHashes)];
    phoneHashes = [...phoneHashes, ...contacts.flatMap((contact) => contact.phoneHashes)];
  }

  const byEmail = await lookups.visitorByHash('em', emailHashes);
  if (byEmail) return joined(byEmail, 'email', [...records, ...learnedRecords]);
  const byPhone = await lookups.visitorByHash('ph', phoneHashes);
  if (byPhone) return joined(byPhone, 'phone', [...records, ...learnedRecords]);
  return {
    result: {
      kind: 'unjoined',
      reason: UNJOINED_REASON,
      learned: {
        email_hashes: emailHashes,
        phone_hashes: phoneHashes,
        crm_records: [...records, ...learnedRecords],
      },
    },
    link: [],
  };
}

/** The first of these external_ids that is erased or has a journey decides; tombstone checked first. */
async function joinByExternalIds(
  ids: (string | undefined)[],
  lookups: FirstStepLookups,
): Promise<JoinResult | undefined> {
  for (const id of ids) {
    if (!id) continue;
    if (await lookups.externalIdErased(id)) return { kind: 'erased', reason: ERASED_EXTERNAL_ID };
    const visitorId = await lookups.visitorByExternalId(id);
    if (visitorId) return { kind: 'joined', visitorId, method: 'external_id' };
  }
  return undefined;
}
