import { sha256Hex } from '@app/journey';
import { CrmPayloadError } from '../lifecycle-change';
import { parseHubspotDelivery } from './parse';

const OPTIONS = { externalIdProperty: 'journey_external_id' };
const parse = (body: unknown, options: Parameters<typeof parseHubspotDelivery>[1] = OPTIONS) =>
  parseHubspotDelivery(body, options);

/** The reference's "deal won" example (crm-webhooks.md §1.2). */
const dealWon = (over: Record<string, unknown> = {}) => ({
  eventId: 100,
  subscriptionId: 200,
  portalId: 62515,
  appId: 54321,
  occurredAt: 1764000000000,
  subscriptionType: 'deal.propertyChange',
  attemptNumber: 0,
  objectId: 9876543210,
  propertyName: 'dealstage',
  propertyValue: 'closedwon',
  changeSource: 'CRM_UI',
  sourceId: 'userId:111',
  ...over,
});

function payloadErrorField(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(CrmPayloadError);
    return (error as CrmPayloadError).field;
  }
  throw new Error('expected a CrmPayloadError');
}

describe('parseHubspotDelivery: Webhooks API batches', () => {
  it('turns deal.propertyChange on dealstage into a deal change with the composite dedupe key', () => {
    expect(parse([dealWon()])).toEqual({
      changes: [
        {
          provider: 'hubspot',
          tenant: '62515',
          objectType: 'deal',
          objectId: '9876543210',
          stageField: 'dealstage',
          stage: 'closedwon',
          occurredAt: '2025-11-24T16:00:00.000Z',
          dedupeKey: sha256Hex('62515|deal.propertyChange|9876543210|dealstage|closedwon|1764000000000'),
          hints: { crmRecords: [{ objectType: 'deal', id: '9876543210' }], emailHashes: [], phoneHashes: [] },
        },
      ],
      ignored: 0,
    });
  });

  it("reads HubSpot's official example (eventType key): lifecyclestage change kept, creation ignored", () => {
    const body = [
      {
        objectId: 1246965,
        propertyName: 'lifecyclestage',
        propertyValue: 'subscriber',
        changeSource: 'ACADEMY',
        eventId: 3816279340,
        subscriptionId: 25,
        portalId: 33,
        appId: 1160452,
        occurredAt: 1462216307945,
        eventType: 'contact.propertyChange',
        attemptNumber: 0,
      },
      {
        objectId: 1246978,
        changeSource: 'IMPORT',
        eventId: 3816279480,
        subscriptionId: 22,
        portalId: 33,
        appId: 1160452,
        occurredAt: 1462216307945,
        eventType: 'contact.creation',
        attemptNumber: 0,
      },
    ];
    const { changes, ignored } = parse(body);
    expect(ignored).toBe(1);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      tenant: '33',
      objectType: 'contact',
      objectId: '1246965',
      stageField: 'lifecyclestage',
      stage: 'subscriber',
      occurredAt: new Date(1462216307945).toISOString(),
      hints: { crmRecords: [{ objectType: 'contact', id: '1246965' }] },
    });
  });

  it('prefers subscriptionType over eventType', () => {
    const event = dealWon({ eventType: 'deal.creation' });
    expect(parse([event]).changes).toHaveLength(1);
  });

  it('reads generic object.propertyChange events for deals (0-3), contacts (0-1) and leads (0-136)', () => {
    const generic = (objectTypeId: string, propertyName: string, propertyValue: string) =>
      dealWon({ subscriptionType: 'object.propertyChange', objectTypeId, propertyName, propertyValue });
    const { changes, ignored } = parse([
      generic('0-3', 'dealstage', 'qualifiedtobuy'),
      generic('0-1', 'lifecyclestage', 'salesqualifiedlead'),
      generic('0-136', 'hs_pipeline_stage', 'connected'),
      generic('0-2', 'lifecyclestage', 'customer'), // company: not ours
      generic('0-3', 'lifecyclestage', 'customer'), // not a deal's stage field
      generic('0-1', 'dealstage', 'closedwon'),
    ]);
    expect(ignored).toBe(3);
    expect(changes.map((c) => [c.objectType, c.stageField, c.stage])).toEqual([
      ['deal', 'dealstage', 'qualifiedtobuy'],
      ['contact', 'lifecyclestage', 'salesqualifiedlead'],
      ['lead', 'hs_pipeline_stage', 'connected'],
    ]);
    expect(changes[0].dedupeKey).toBe(
      sha256Hex('62515|object.propertyChange|9876543210|dealstage|qualifiedtobuy|1764000000000'),
    );
  });

  it('counts everything that is not a stage change as ignored', () => {
    const body = [
      dealWon({ subscriptionType: 'deal.creation', propertyName: undefined, propertyValue: undefined }),
      dealWon({ propertyName: 'amount', propertyValue: '1500' }),
      dealWon({ subscriptionType: 'deal.deletion' }),
      {
        subscriptionType: 'contact.merge',
        portalId: 62515,
        occurredAt: 1764000000000,
        objectId: 1,
        primaryObjectId: 1,
        mergedObjectIds: [2],
        newObjectId: 1,
        numberOfPropertiesMoved: 3,
      },
      {
        subscriptionType: 'deal.associationChange',
        portalId: 62515,
        occurredAt: 1764000000000,
        associationType: 'DEAL_TO_CONTACT',
        fromObjectId: 1,
        toObjectId: 2,
        associationRemoved: false,
      },
      dealWon({
        subscriptionType: 'contact.propertyChange',
        propertyName: 'journey_external_id',
        propertyValue: 'ext-123',
      }),
      dealWon({ subscriptionType: 'company.propertyChange', propertyName: 'lifecyclestage' }),
      dealWon({ propertyValue: null }), // stage cleared
      dealWon({ propertyValue: '' }),
    ];
    expect(parse(body)).toMatchObject({ changes: [], ignored: body.length });
  });

  it("returns a contact's external-id, email and phone changes as identities (hashed), never as changes", () => {
    const contact = (propertyName: string, propertyValue: unknown, over: Record<string, unknown> = {}) =>
      dealWon({
        subscriptionType: 'contact.propertyChange',
        objectId: 501,
        propertyName,
        propertyValue,
        ...over,
      });
    const body = [
      contact('journey_external_id', ' ext-123 '),
      contact('email', 'Jane.Doe@Example.COM'),
      contact('mobilephone', '+1 (415) 555-0199'),
      contact('phone', '555 0199'), // national number: no country code, reveals nothing
      contact('firstname', 'Jane'),
      contact('email', ''),
      dealWon({ propertyName: 'journey_external_id', propertyValue: 'ext-9' }), // a deal: not a contact
      contact('email', 'x@example.com', { subscriptionType: 'object.propertyChange', objectTypeId: '0-1' }),
    ];
    const record = {
      provider: 'hubspot',
      tenant: '62515',
      crmRecords: [{ objectType: 'contact', id: '501' }],
    };
    const parsed = parse(body);
    expect(parsed).toEqual({
      changes: [],
      ignored: body.length,
      identities: [
        { ...record, externalId: 'ext-123', emailHashes: [], phoneHashes: [] },
        { ...record, emailHashes: [sha256Hex('jane.doe@example.com')], phoneHashes: [] },
        { ...record, emailHashes: [], phoneHashes: [sha256Hex('14155550199')] },
        { ...record, emailHashes: [sha256Hex('x@example.com')], phoneHashes: [] },
      ],
    });
    expect(JSON.stringify(parsed)).not.toMatch(/jane|555/i);
  });

  it("ignores the byte-exact 'real-shaped delivery' (a contact creation)", () => {
    const raw =
      '[{"eventId":531833541,"subscriptionId":3923621,"portalId":48807704,"appId":16111050,"occurredAt":1752613920733,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":138017612137,"changeFlag":"CREATED","changeSource":"CRM_UI","sourceId":"userId:76023669"}]';
    expect(parse(JSON.parse(raw))).toEqual({ changes: [], ignored: 1 });
  });

  it('accepts a batch of 100 and an empty batch, refuses 101 events', () => {
    const batch = Array.from({ length: 100 }, (_, i) => dealWon({ objectId: 1000 + i, eventId: i }));
    const parsed = parse(batch);
    expect(parsed.changes).toHaveLength(100);
    expect(new Set(parsed.changes.map((c) => c.dedupeKey)).size).toBe(100);
    expect(parse([])).toEqual({ changes: [], ignored: 0 });
    expect(payloadErrorField(() => parse([...batch, dealWon({ objectId: 1 })]))).toBe('body');
  });

  it('refuses bodies that are neither an array nor a workflow record', () => {
    for (const body of ['[]', 42, null, undefined, true, dealWon(), { eventType: 'deal.creation' }]) {
      expect(payloadErrorField(() => parse(body))).toBe('body');
    }
  });

  it('gives re-deliveries the same dedupe key whatever their eventId, attempt or subscription', () => {
    const first = parse([dealWon()]).changes[0];
    const retry = parse([dealWon({ eventId: 999, attemptNumber: 3, subscriptionId: 7, appId: 1 })])
      .changes[0];
    expect(retry).toEqual(first);
    expect(parse([dealWon({ occurredAt: 1764000000001 })]).changes[0].dedupeKey).not.toBe(first.dedupeKey);
    expect(parse([dealWon({ propertyValue: 'closedlost' })]).changes[0].dedupeKey).not.toBe(first.dedupeKey);
    expect(parse([dealWon({ portalId: 1 })]).changes[0].dedupeKey).not.toBe(first.dedupeKey);
  });

  it('keeps one change per dedupe key inside a batch and counts the copies as ignored', () => {
    const parsed = parse([dealWon(), dealWon({ eventId: 101, attemptNumber: 1 }), dealWon({ objectId: 5 })]);
    expect(parsed.changes.map((c) => c.objectId)).toEqual(['9876543210', '5']);
    expect(parsed.ignored).toBe(1);
  });

  it('sorts changes by occurredAt (HubSpot does not order them)', () => {
    const parsed = parse([
      dealWon({ occurredAt: 1764000000300, propertyValue: 'closedwon' }),
      dealWon({ occurredAt: 1764000000100, propertyValue: 'appointmentscheduled' }),
      dealWon({ occurredAt: 1764000000200, propertyValue: 'qualifiedtobuy' }),
    ]);
    expect(parsed.changes.map((c) => c.stage)).toEqual([
      'appointmentscheduled',
      'qualifiedtobuy',
      'closedwon',
    ]);
  });

  it('names the malformed field of a malformed event', () => {
    const ok = dealWon();
    const at = (bad: unknown) => payloadErrorField(() => parse([ok, ok, ok, bad]));
    expect(at(dealWon({ occurredAt: undefined }))).toBe('body[3].occurredAt');
    expect(at(dealWon({ occurredAt: '1764000000000' }))).toBe('body[3].occurredAt');
    expect(at(dealWon({ occurredAt: 1.5 }))).toBe('body[3].occurredAt');
    expect(at(dealWon({ portalId: undefined }))).toBe('body[3].portalId');
    expect(at(dealWon({ portalId: { id: 1 } }))).toBe('body[3].portalId');
    expect(at(dealWon({ objectId: undefined }))).toBe('body[3].objectId');
    expect(at(dealWon({ objectId: 'abc' }))).toBe('body[3].objectId');
    expect(at(dealWon({ objectId: -1 }))).toBe('body[3].objectId');
    expect(at(dealWon({ subscriptionType: undefined }))).toBe('body[3].subscriptionType');
    expect(at(dealWon({ subscriptionType: 7 }))).toBe('body[3].subscriptionType');
    expect(at(dealWon({ propertyName: undefined }))).toBe('body[3].propertyName');
    expect(at(dealWon({ propertyValue: { stage: 'closedwon' } }))).toBe('body[3].propertyValue');
    expect(at(dealWon({ subscriptionType: 'object.propertyChange' }))).toBe('body[3].objectTypeId');
    expect(at('not an event')).toBe('body[3]');
    expect(at(null)).toBe('body[3]');
  });
});
