import { sha256Hex } from '@app/journey';
import { CrmPayloadError } from '../lifecycle-change';
import { HUBSPOT_DEFAULT_STAGES } from './default-stages';
import { parseHubspotDelivery } from './parse';

const OPTIONS = { externalIdProperty: 'journey_external_id' };
const parse = (body: unknown, options: Parameters<typeof parseHubspotDelivery>[1] = OPTIONS) =>
  parseHubspotDelivery(body, options);

function payloadErrorField(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CrmPayloadError);
    return (error as CrmPayloadError).field;
  }
  throw new Error('expected a CrmPayloadError');
}

describe('parseHubspotDelivery: workflow "Send a webhook" bodies', () => {
  const receivedAt = new Date('2026-01-02T03:04:05.000Z');
  const EMAIL = 'Jane.Doe@Example.COM';
  const PHONE = '+1 (650) 555-1234';

  it('reads an object-API-shaped deal record: stage, pipeline, amount, currency, won, stage time', () => {
    const body = {
      id: '9876543210',
      objectType: 'DEAL',
      portalId: 62515,
      properties: {
        dealstage: 'closedwon',
        pipeline: 'default',
        amount: '1500.50',
        deal_currency_code: 'eur',
        hs_is_closed_won: 'true',
        hs_v2_date_entered_closedwon: '2025-11-24T16:00:00.000Z',
        journey_external_id: 'ext-abc',
      },
      associations: { contacts: { results: [{ id: '201', type: 'deal_to_contact' }, { id: '202' }] } },
    };
    const occurredAt = '2025-11-24T16:00:00.000Z';
    expect(parse(body, { ...OPTIONS, receivedAt })).toEqual({
      changes: [
        {
          provider: 'hubspot',
          tenant: '62515',
          objectType: 'deal',
          objectId: '9876543210',
          pipeline: 'default',
          stageField: 'dealstage',
          stage: 'closedwon',
          won: true,
          occurredAt,
          value: 1500.5,
          currency: 'EUR',
          dedupeKey: sha256Hex(`workflow|62515|deal|9876543210|dealstage|closedwon|${occurredAt}`),
          hints: {
            externalId: 'ext-abc',
            crmRecords: [
              { objectType: 'deal', id: '9876543210' },
              { objectType: 'contact', id: '201' },
              { objectType: 'contact', id: '202' },
            ],
            emailHashes: [],
            phoneHashes: [],
          },
        },
      ],
      ignored: 0,
    });
  });

  it('reads a legacy contact record (vid, portal-id, value/versions) and keeps only hashes of contact data', () => {
    const body = {
      vid: 201,
      'canonical-vid': 201,
      'portal-id': 62515,
      'is-contact': true,
      properties: {
        lifecyclestage: {
          value: 'salesqualifiedlead',
          versions: [{ value: 'salesqualifiedlead', timestamp: 1764000000000 }],
        },
        email: { value: EMAIL, versions: [{ value: EMAIL, timestamp: 1 }] },
        phone: { value: PHONE },
        mobilephone: { value: 'call me maybe' },
        hs_additional_emails: { value: 'other@example.com;not-an-email' },
        journey_external_id: { value: ' ext-201 ' },
      },
    };
    const result = parse(body, { ...OPTIONS, receivedAt });
    const [change] = result.changes;
    expect(change).toMatchObject({
      tenant: '62515',
      objectType: 'contact',
      objectId: '201',
      stageField: 'lifecyclestage',
      stage: 'salesqualifiedlead',
      occurredAt: new Date(1764000000000).toISOString(),
      hints: { externalId: 'ext-201', crmRecords: [{ objectType: 'contact', id: '201' }] },
    });
    expect(change.hints.emailHashes).toEqual([
      sha256Hex('jane.doe@example.com'),
      sha256Hex('other@example.com'),
    ]);
    expect(change.hints.phoneHashes).toEqual([sha256Hex('16505551234')]);
    const json = JSON.stringify(result);
    for (const raw of [
      EMAIL,
      EMAIL.toLowerCase(),
      'other@example.com',
      PHONE,
      '16505551234',
      'call me maybe',
    ]) {
      expect(json).not.toContain(raw);
    }
  });

  it('reads a flat customised body, the contact stage date property, and a national phone with a country', () => {
    const body = {
      portalId: '62515',
      objectId: '301',
      lifecyclestage: 'salesqualifiedlead',
      hs_lifecyclestage_salesqualifiedlead_date: '1764000000000',
      email: 'x@example.org',
      phone: '(650) 555-0000',
      country: 'United States',
    };
    const [change] = parse(body, { ...OPTIONS, receivedAt }).changes;
    expect(change.objectType).toBe('contact');
    expect(change.occurredAt).toBe(new Date(1764000000000).toISOString());
    expect(change.hints).toEqual({
      crmRecords: [{ objectType: 'contact', id: '301' }],
      emailHashes: [sha256Hex('x@example.org')],
      phoneHashes: [sha256Hex('16505550000')],
    });
    expect(JSON.stringify(change)).not.toContain('x@example.org');
  });

  it('falls back to receivedAt when the body has no stage time, giving a stable key for that time', () => {
    const body = { dealId: 77, portalId: 62515, properties: { dealstage: { value: 'qualifiedtobuy' } } };
    const [change] = parse(body, { ...OPTIONS, receivedAt }).changes;
    expect(change).toMatchObject({
      objectType: 'deal',
      objectId: '77',
      occurredAt: receivedAt.toISOString(),
    });
    expect(change.dedupeKey).toBe(
      sha256Hex(`workflow|62515|deal|77|dealstage|qualifiedtobuy|${receivedAt.toISOString()}`),
    );
    expect(parse(body, { ...OPTIONS, receivedAt }).changes[0].dedupeKey).toBe(change.dedupeKey);
  });

  it('reads a lead record (hs_pipeline_stage) when the body names its object type', () => {
    const body = {
      objectId: 5,
      objectTypeId: '0-136',
      portalId: 1,
      properties: { hs_pipeline_stage: 'qualified', hs_pipeline: 'lead-pipeline-id' },
    };
    expect(parse(body, { ...OPTIONS, receivedAt }).changes[0]).toMatchObject({
      objectType: 'lead',
      stageField: 'hs_pipeline_stage',
      stage: 'qualified',
      pipeline: 'lead-pipeline-id',
    });
  });

  it('ignores records without a stage, of unsupported types, or with an ambiguous pipeline stage', () => {
    const ignored = { changes: [], ignored: 1 };
    expect(parse({ portalId: 1, objectId: 2, properties: { email: EMAIL } })).toEqual(ignored);
    expect(
      parse({ portalId: 1, objectId: 2, objectType: 'DEAL', properties: { lifecyclestage: 'lead' } }),
    ).toEqual(ignored);
    expect(
      parse({ portalId: 1, objectId: 2, objectType: 'TICKET', properties: { hs_pipeline_stage: '1' } }),
    ).toEqual(ignored);
    expect(parse({ portalId: 1, objectId: 2, properties: { hs_pipeline_stage: '1' } })).toEqual(ignored);
    expect(parse({ portalId: 1, objectId: 2, properties: { dealstage: '  ' } })).toEqual(ignored);
  });

  it('omits unusable amounts and currencies, and never flags won from a false hs_is_closed_won', () => {
    const body = {
      id: 1,
      portalId: 1,
      properties: {
        dealstage: 'closedwon',
        amount: 'n/a',
        deal_currency_code: 'euro',
        hs_is_closed_won: 'false',
      },
    };
    const [change] = parse(body, { ...OPTIONS, receivedAt }).changes;
    expect(change).not.toHaveProperty('value');
    expect(change).not.toHaveProperty('currency');
    expect(change).not.toHaveProperty('won');
  });

  it('names the missing portal or record id, without echoing values', () => {
    expect(payloadErrorField(() => parse({ objectId: 2, properties: { dealstage: 'closedwon' } }))).toBe(
      'body.portalId',
    );
    expect(payloadErrorField(() => parse({ portalId: 1, properties: { dealstage: 'closedwon' } }))).toBe(
      'body.objectId',
    );
    expect(
      payloadErrorField(() => parse({ portalId: 1, id: EMAIL, properties: { dealstage: 'closedwon' } })),
    ).toBe('body.objectId');
    try {
      parse({ portalId: 1, id: EMAIL, properties: { dealstage: 'closedwon' } });
    } catch (error) {
      expect(String(error)).not.toContain(EMAIL);
    }
  });
});

describe('HUBSPOT_DEFAULT_STAGES', () => {
  it("holds SPEC's defaults as frozen data", () => {
    expect(HUBSPOT_DEFAULT_STAGES).toEqual([
      { objectType: 'deal', stageField: 'dealstage', stage: 'closedwon', eventName: 'DealWon' },
      { objectType: 'deal', stageField: 'dealstage', stage: 'qualifiedtobuy', eventName: 'QualifiedLead' },
      {
        objectType: 'contact',
        stageField: 'lifecyclestage',
        stage: 'salesqualifiedlead',
        eventName: 'QualifiedLead',
      },
    ]);
    expect(Object.isFrozen(HUBSPOT_DEFAULT_STAGES)).toBe(true);
    expect(Object.isFrozen(HUBSPOT_DEFAULT_STAGES[0])).toBe(true);
  });
});
