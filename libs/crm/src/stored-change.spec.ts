import type { LifecycleChange } from './lifecycle-change';
import { loadStageMap } from './stage-map';
import { storedLifecycleChange } from './stored-change';

const change = (overrides: Partial<LifecycleChange>): LifecycleChange => ({
  provider: 'hubspot',
  tenant: '62515',
  objectType: 'deal',
  objectId: '9876',
  stageField: 'dealstage',
  stage: 'closedwon',
  occurredAt: '2026-11-30T10:00:00.000Z',
  dedupeKey: 'key-1',
  hints: {
    externalId: 'ext-1',
    crmRecords: [{ objectType: 'deal', id: '9876' }],
    emailHashes: ['e'],
    phoneHashes: [],
  },
  ...overrides,
});

describe('storedLifecycleChange', () => {
  const stageMap = loadStageMap();

  it('maps the stage to its event and stores the hints in snake case', () => {
    expect(storedLifecycleChange(change({ pipeline: 'default' }), stageMap)).toEqual({
      provider: 'hubspot',
      tenant: '62515',
      dedupeKey: 'key-1',
      objectType: 'deal',
      objectId: '9876',
      pipeline: 'default',
      stageField: 'dealstage',
      stage: 'closedwon',
      eventName: 'DealWon',
      status: 'pending',
      occurredAt: new Date('2026-11-30T10:00:00.000Z'),
      hints: {
        external_id: 'ext-1',
        crm_records: [{ object_type: 'deal', id: '9876' }],
        email_hashes: ['e'],
        phone_hashes: [],
      },
    });
  });

  it('keeps an unmapped stage as unmapped, saying why', () => {
    const stored = storedLifecycleChange(change({ stage: 'contractsent', pipeline: 'default' }), stageMap);
    expect(stored).toMatchObject({
      eventName: null,
      status: 'unmapped',
      statusReason: 'no event is mapped to deal dealstage = contractsent',
    });
  });
});
