import { quickJoinVerdict } from './quick-join';

const row = (fields: Partial<Parameters<typeof quickJoinVerdict>[0] & object> = {}) => ({
  id: 'e1',
  crm_record_erased: false,
  external_id_erased: false,
  by_external_id: null,
  by_crm_link: null,
  ...fields,
});

describe('quickJoinVerdict (the join order of SPEC, first steps)', () => {
  it('puts tombstones first: an erased CRM record, then an erased external_id', () => {
    expect(quickJoinVerdict(row({ crm_record_erased: true, by_external_id: 'v1' }))).toEqual({
      kind: 'erased',
      reason: 'a CRM record of this change belonged to an erased journey',
    });
    expect(quickJoinVerdict(row({ external_id_erased: true, by_crm_link: 'v2' }))).toMatchObject({
      kind: 'erased',
      reason: 'the journey of this external_id was erased',
    });
  });

  it('prefers our external_id over a linked CRM record', () => {
    expect(quickJoinVerdict(row({ by_external_id: 'v1', by_crm_link: 'v2' }))).toEqual({
      kind: 'joined',
      visitorId: 'v1',
      method: 'external_id',
    });
    expect(quickJoinVerdict(row({ by_crm_link: 'v2' }))).toEqual({
      kind: 'joined',
      visitorId: 'v2',
      method: 'crm_link',
    });
  });

  it('leaves everything else to the full join (CRM API, email, phone)', () => {
    expect(quickJoinVerdict(row())).toBeUndefined();
    expect(quickJoinVerdict(undefined)).toBeUndefined();
  });
});
