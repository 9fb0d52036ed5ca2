import { DEFAULT_STAGE_RULES, StageMap } from '@app/crm';
import type { LifecycleEventRow } from '@app/db';
import { applyCrmFacts } from './apply-crm-facts';

const stageMap = StageMap.create(DEFAULT_STAGE_RULES, {
  hubspot: [
    {
      objectType: 'deal',
      stageField: 'dealstage',
      stage: '777001',
      pipeline: '555',
      eventName: 'QualifiedLead',
    },
    { objectType: 'deal', stageField: 'dealstage', stage: 'closedwon', pipeline: '555', eventName: null },
  ],
});

const event = (fields: Partial<LifecycleEventRow> = {}): LifecycleEventRow => ({
  id: 'e1',
  provider: 'hubspot',
  tenant: '62515',
  object_type: 'deal',
  object_id: '9001',
  pipeline: null,
  stage_field: 'dealstage',
  stage: 'closedwon',
  won: null,
  event_name: 'DealWon',
  status: 'pending',
  occurred_at: new Date('2026-11-30T08:00:00Z'),
  value: null,
  currency: null,
  lead_id: null,
  note: null,
  event_id: null,
  hints: { crm_records: [], email_hashes: [], phone_hashes: [] },
  ...fields,
});

describe('applyCrmFacts', () => {
  it('maps a change stored without a pipeline again once the pipeline is known', () => {
    const awaiting = event({ stage: '777001', event_name: null });
    expect(applyCrmFacts(awaiting, { pipeline: '555' }, stageMap, 'x')).toMatchObject({
      eventName: 'QualifiedLead',
      unmappedReason: undefined,
      save: { id: 'e1', pipeline: '555', eventName: 'QualifiedLead' },
    });
    // A default name decided without the pipeline gives way to the pipeline's rule (here: never send).
    expect(applyCrmFacts(event(), { pipeline: '555' }, stageMap, 'x')).toMatchObject({
      eventName: null,
      unmappedReason: 'no event is mapped to deal dealstage = closedwon in pipeline 555',
    });
    expect(applyCrmFacts(event(), { pipeline: 'default' }, stageMap, 'x').eventName).toBe('DealWon');
  });

  it('says why a change waiting for its pipeline stays unmapped when none is learned', () => {
    const awaiting = event({ stage: '777001', event_name: null });
    expect(applyCrmFacts(awaiting, undefined, stageMap, 'HUBSPOT_ACCESS_TOKEN is not set')).toEqual({
      eventName: null,
      unmappedReason:
        'no event is mapped to deal dealstage = 777001 without its pipeline, which is unknown (HUBSPOT_ACCESS_TOKEN is not set)',
    });
  });

  it("keeps a pipeline the delivery named, and takes the deal's value over the stored one", () => {
    const named = event({ pipeline: 'default', value: '10.00', currency: 'EUR' });
    expect(applyCrmFacts(named, { pipeline: '555', value: 5000, currency: 'USD' }, stageMap, 'x')).toEqual({
      eventName: 'DealWon',
      unmappedReason: undefined,
      save: {
        id: 'e1',
        pipeline: 'default',
        eventName: 'DealWon',
        value: 5000,
        currency: 'USD',
        leadId: null,
      },
    });
    // No amount on the deal: what the delivery carried stays.
    expect(applyCrmFacts(named, { leadId: '123' }, stageMap, 'x').save).toMatchObject({
      value: 10,
      currency: 'EUR',
      leadId: '123',
    });
  });

  it('changes nothing without facts for an event already mapped', () => {
    expect(applyCrmFacts(event({ provider: 'salesforce' }), undefined, stageMap, 'x')).toEqual({
      eventName: 'DealWon',
      unmappedReason: undefined,
    });
  });
});
