import {
  ERASED_CRM_RECORD,
  ERASED_EXTERNAL_ID,
  firstJoinSteps,
  joinLifecycleChange,
  type CrmContactFacts,
  type JoinLookups,
  type JoinableChange,
} from './join-order';

/** In-memory lookups: visitors by external_id, by `provider:type:id` link, by hash; erased keys. */
function lookups(
  world: {
    erasedExternalIds?: string[];
    erasedRecords?: string[];
    byExternalId?: Record<string, string>;
    byLink?: Record<string, string>;
    byHash?: Record<string, string>;
    contacts?: CrmContactFacts[];
  } = {},
): JoinLookups & { asked: string[] } {
  const asked: string[] = [];
  const firstLinked = (provider: string, records: { object_type: string; id: string }[]) =>
    records.map((r) => world.byLink?.[`${provider}:${r.object_type}:${r.id}`]).find(Boolean);
  return {
    asked,
    crmRecordErased: async (provider, records) => {
      asked.push('crmRecordErased');
      return records.some((r) => world.erasedRecords?.includes(`${provider}:${r.object_type}:${r.id}`));
    },
    externalIdErased: async (id) => {
      asked.push(`externalIdErased:${id}`);
      return !!world.erasedExternalIds?.includes(id);
    },
    visitorByExternalId: async (id) => {
      asked.push(`visitorByExternalId:${id}`);
      return world.byExternalId?.[id];
    },
    visitorByCrmRecords: async (provider, records) => {
      asked.push(`visitorByCrmRecords:${records.map((r) => r.id).join(',')}`);
      return firstLinked(provider, records);
    },
    visitorByHash: async (keyType, hashes) => {
      asked.push(`visitorByHash:${keyType}`);
      return hashes.map((hash) => world.byHash?.[`${keyType}:${hash}`]).find(Boolean);
    },
    crmContacts: world.contacts
      ? async () => {
          asked.push('crmContacts');
          return world.contacts!;
        }
      : undefined,
  };
}

const change = (hints: Partial<JoinableChange['hints']> = {}): JoinableChange => ({
  provider: 'hubspot',
  hints: { crm_records: [{ object_type: 'deal', id: 'd1' }], email_hashes: [], phone_hashes: [], ...hints },
});
const deal = [{ object_type: 'deal', id: 'd1' }];

describe('firstJoinSteps (the join order of SPEC, first steps)', () => {
  it('puts tombstones first: an erased CRM record, then an erased external_id', async () => {
    const erasedRecord = lookups({ erasedRecords: ['hubspot:deal:d1'], byExternalId: { x: 'v1' } });
    expect(await firstJoinSteps(change({ external_id: 'x' }), erasedRecord)).toEqual({
      result: { kind: 'erased', reason: ERASED_CRM_RECORD },
      link: [],
    });
    const erasedId = lookups({ erasedExternalIds: ['x'], byLink: { 'hubspot:deal:d1': 'v2' } });
    expect(await firstJoinSteps(change({ external_id: 'x' }), erasedId)).toEqual({
      result: { kind: 'erased', reason: ERASED_EXTERNAL_ID },
      link: [],
    });
  });

  it('prefers our external_id over a linked CRM record, and links the change records to the visitor', async () => {
    const world = lookups({ byExternalId: { x: 'v1' }, byLink: { 'hubspot:deal:d1': 'v2' } });
    expect(await firstJoinSteps(change({ external_id: 'x' }), world)).toEqual({
      result: { kind: 'joined', visitorId: 'v1', method: 'external_id' },
      link: deal,
    });
    expect(await firstJoinSteps(change(), world)).toEqual({
      result: { kind: 'joined', visitorId: 'v2', method: 'crm_link' },
      link: deal,
    });
  });

  it('leaves everything else to the full join, without asking for a missing external_id', async () => {
    const world = lookups();
    expect(await firstJoinSteps(change(), world)).toBeUndefined();
    expect(world.asked).toEqual(['crmRecordErased', 'visitorByCrmRecords:d1']);
  });
});

describe('joinLifecycleChange (the whole join)', () => {
  const contact = (fields: Partial<CrmContactFacts> = {}): CrmContactFacts => ({
    id: 'c1',
    emailHashes: [],
    phoneHashes: [],
    ...fields,
  });

  it('joins on a CRM contact external_id (method crm_api), linking the change and contact records', async () => {
    const world = lookups({ contacts: [contact({ externalId: 'x' })], byExternalId: { x: 'v1' } });
    expect(await joinLifecycleChange(change(), world)).toEqual({
      result: { kind: 'joined', visitorId: 'v1', method: 'crm_api' },
      link: [...deal, { object_type: 'contact', id: 'c1' }],
    });
  });

  it('is erased when a CRM contact external_id was erased', async () => {
    const world = lookups({ contacts: [contact({ externalId: 'x' })], erasedExternalIds: ['x'] });
    expect((await joinLifecycleChange(change(), world)).result).toEqual({
      kind: 'erased',
      reason: ERASED_EXTERNAL_ID,
    });
  });

  it('joins on a linked CRM contact, linking only the change records', async () => {
    const world = lookups({ contacts: [contact()], byLink: { 'hubspot:contact:c1': 'v3' } });
    expect(await joinLifecycleChange(change(), world)).toEqual({
      result: { kind: 'joined', visitorId: 'v3', method: 'crm_api' },
      link: deal,
    });
  });

  it('then tries email before phone, with the hashes the CRM API added', async () => {
    const both = lookups({
      contacts: [contact({ emailHashes: ['e1'], phoneHashes: ['p1'] })],
      byHash: { 'em:e1': 've', 'ph:p1': 'vp' },
    });
    expect(await joinLifecycleChange(change(), both)).toEqual({
      result: { kind: 'joined', visitorId: 've', method: 'email' },
      link: [...deal, { object_type: 'contact', id: 'c1' }],
    });
    const phoneOnly = lookups({ byHash: { 'ph:p1': 'vp' } });
    expect((await joinLifecycleChange(change({ phone_hashes: ['p1'] }), phoneOnly)).result).toEqual({
      kind: 'joined',
      visitorId: 'vp',
      method: 'phone',
    });
  });

  it('is unjoined otherwise, keeping what it learned for a later form', async () => {
    const world = lookups({ contacts: [contact({ emailHashes: ['e9'] })] });
    const { result, link } = await joinLifecycleChange(change({ email_hashes: ['e0'] }), world);
    expect(link).toEqual([]);
    expect(result).toMatchObject({
      kind: 'unjoined',
      learned: {
        email_hashes: ['e0', 'e9'],
        phone_hashes: [],
        crm_records: [...deal, { object_type: 'contact', id: 'c1' }],
      },
    });
    expect(world.asked).toEqual([
      'crmRecordErased',
      'visitorByCrmRecords:d1',
      'crmContacts',
      'visitorByCrmRecords:c1',
      'visitorByHash:em',
      'visitorByHash:ph',
    ]);
  });
});
