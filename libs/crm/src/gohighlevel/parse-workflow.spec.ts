import { sha256Hex } from '@app/journey';
import { CrmPayloadError, type ParsedDelivery } from '../lifecycle-change';
import { parseGoHighLevelWorkflowDelivery } from './parse';

const RECEIVED = new Date('2025-01-28T14:35:02.000Z');
const opts = { receivedAt: RECEIVED };

const EMAIL_HASH = sha256Hex('johndeo@gmail.comm');
const PHONE_HASH = sha256Hex('919509597501');

// Shape of §2.5 (workflow Webhook action, opportunity trigger) with our Custom Data keys.
const WORKFLOW = {
  contact_id: 'bxoY65VIdH7laJEOHB4Y',
  first_name: 'John',
  last_name: 'Deo',
  full_name: 'John Deo',
  email: 'JohnDeo@gmail.comm',
  phone: '+919509597501',
  tags: 'tag1,tag2',
  country: 'US',
  date_created: '2025-01-06T16:51:42.192Z',
  contact_source: 'payment_link',
  contact_type: 'customer',
  location: { name: 'Acme', country: 'US', id: 'CDR4h44AJ3Ic84nDuigS' },
  user: { firstName: 'Sales', lastName: 'Rep', email: 'rep@example.com', phone: '+15555550100' },
  workflow: { id: 'b7709c6d-9e11-402b-887d-7446a2d67081', name: 'Deal won → Journey' },
  triggerData: {},
  contact: { attributionSource: { sessionSource: 'CRM UI', medium: 'csv_import', mediumId: 'null' } },
  attributionSource: {},
  opportunity_name: 'Big deal',
  status: 'won',
  pipeline_id: 'VDm7RPYC2GLUvdpKmBfC',
  pipeline_name: 'Sales',
  pipleline_stage: 'Closed',
  id: 'wWhVuzqpRuOA1ZVWi4FC',
  customData: { journey_external_id: 'ext_0f3c9a', stage: 'won', value: '1,500.50', currency: 'eur' },
};

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof CrmPayloadError) return e.field;
    throw e;
  }
  return undefined;
}
const only = (p: ParsedDelivery) => {
  expect(p.changes).toHaveLength(1);
  return p.changes[0]!;
};

describe('parseGoHighLevelWorkflowDelivery', () => {
  it('opportunity trigger with stage "won": status change, external id, value, hashed contact', () => {
    const p = parseGoHighLevelWorkflowDelivery(WORKFLOW, opts);
    expect(only(p)).toEqual({
      provider: 'gohighlevel',
      tenant: 'CDR4h44AJ3Ic84nDuigS',
      objectType: 'opportunity',
      objectId: 'wWhVuzqpRuOA1ZVWi4FC',
      pipeline: 'VDm7RPYC2GLUvdpKmBfC',
      stageField: 'status',
      stage: 'won',
      won: true,
      occurredAt: RECEIVED.toISOString(),
      value: 1500.5,
      currency: 'EUR',
      dedupeKey: sha256Hex('workflow|CDR4h44AJ3Ic84nDuigS|opportunity:wWhVuzqpRuOA1ZVWi4FC|won|'),
      hints: {
        externalId: 'ext_0f3c9a',
        crmRecords: [
          { objectType: 'opportunity', id: 'wWhVuzqpRuOA1ZVWi4FC' },
          { objectType: 'contact', id: 'bxoY65VIdH7laJEOHB4Y' },
        ],
        emailHashes: [EMAIL_HASH],
        phoneHashes: [PHONE_HASH],
      },
    });
    expect(JSON.stringify(p)).not.toMatch(/johndeo|9509597501|rep@example/i);
  });

  it('a pipeline stage id in customData is a pipelineStageId change; opportunity_id wins over the trigger id', () => {
    const body = {
      ...WORKFLOW,
      customData: {
        stage: 'e93ba61a-53b3-45e7-985a-c7732dbcdb69',
        opportunity_id: 'opp-2',
        pipeline_id: 'pipe-2',
      },
    };
    expect(only(parseGoHighLevelWorkflowDelivery(body, opts))).toMatchObject({
      objectId: 'opp-2',
      pipeline: 'pipe-2',
      stageField: 'pipelineStageId',
      stage: 'e93ba61a-53b3-45e7-985a-c7732dbcdb69',
    });
  });

  it('a contact-level workflow (no opportunity) is a contact change with stageField "stage"', () => {
    const { id, pipeline_id, opportunity_name, status, pipleline_stage, pipeline_name, ...contactOnly } =
      WORKFLOW;
    void [id, pipeline_id, opportunity_name, status, pipleline_stage, pipeline_name];
    const c = only(
      parseGoHighLevelWorkflowDelivery({ ...contactOnly, customData: { stage: 'Qualified' } }, opts),
    );
    expect(c).toMatchObject({
      objectType: 'contact',
      objectId: 'bxoY65VIdH7laJEOHB4Y',
      stageField: 'stage',
      stage: 'Qualified',
    });
    expect(c.won).toBeUndefined();
    expect(c.hints.crmRecords).toEqual([{ objectType: 'contact', id: 'bxoY65VIdH7laJEOHB4Y' }]);
  });

  it('event_id and occurred_at from customData are used as key and time', () => {
    const c = only(
      parseGoHighLevelWorkflowDelivery(
        {
          ...WORKFLOW,
          customData: { stage: 'won', event_id: 'evt-77', occurred_at: '2025-01-28T14:00:00Z' },
        },
        opts,
      ),
    );
    expect(c.dedupeKey).toBe('evt-77');
    expect(c.occurredAt).toBe('2025-01-28T14:00:00.000Z');
  });

  it('duplicates get the same dedupeKey', () => {
    const later = { receivedAt: new Date(RECEIVED.getTime() + 60_000) };
    const a = only(parseGoHighLevelWorkflowDelivery(WORKFLOW, opts)).dedupeKey;
    expect(only(parseGoHighLevelWorkflowDelivery(structuredClone(WORKFLOW), later)).dedupeKey).toBe(a);
    expect(
      only(parseGoHighLevelWorkflowDelivery({ ...WORKFLOW, customData: { stage: 'lost' } }, opts)).dedupeKey,
    ).not.toBe(a);
  });

  it('no stage in customData → ignored', () => {
    expect(parseGoHighLevelWorkflowDelivery({ ...WORKFLOW, customData: {} }, opts)).toEqual({
      changes: [],
      ignored: 1,
    });
    expect(parseGoHighLevelWorkflowDelivery({ ...WORKFLOW, customData: undefined }, opts)).toEqual({
      changes: [],
      ignored: 1,
    });
  });

  it.each<[unknown, string]>([
    ['nope', 'body'],
    [{ ...WORKFLOW, location: undefined }, 'body.location.id'],
    [{ ...WORKFLOW, location: 'CDR4h44AJ3Ic84nDuigS' }, 'body.location'],
    [{ ...WORKFLOW, customData: 'stage=won' }, 'body.customData'],
    [{ ...WORKFLOW, customData: { stage: ['won'] } }, 'body.customData.stage'],
    [{ ...WORKFLOW, customData: { stage: 'won', value: 'a lot' } }, 'body.customData.value'],
    [{ location: { id: 'L' }, customData: { stage: 'Qualified' } }, 'body.contact_id'],
  ])('malformed workflow body %# → CrmPayloadError naming %s', (body, field) => {
    expect(fieldOf(() => parseGoHighLevelWorkflowDelivery(body, opts))).toBe(field);
  });
});
