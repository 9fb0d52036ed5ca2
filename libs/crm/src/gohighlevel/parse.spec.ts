import { sha256Hex } from '@app/journey';
import { CrmPayloadError, type ParsedDelivery } from '../lifecycle-change';
import { GOHIGHLEVEL_DEFAULT_STAGES } from './default-stages';
import { parseGoHighLevelContactIdentity, parseGoHighLevelDelivery } from './parse';

const RECEIVED = new Date('2025-01-28T14:35:02.000Z');
const opts = { receivedAt: RECEIVED };

// Verbatim from shared/reference/crm-webhooks.md §2.2 (OpportunityStatusUpdate has the same schema).
const STAGE_UPDATE = {
  type: 'OpportunityStageUpdate',
  locationId: 've9EPM428h8vShlRW1KT',
  id: 'wWhVuzqpRuOA1ZVWi4FC',
  assignedTo: 'bNl8QNGXhIQJLv8eeASQ',
  contactId: 'cJAWDskpkJHbRbhAT7bs',
  monetaryValue: 40,
  name: 'Loram ipsu',
  pipelineId: 'VDm7RPYC2GLUvdpKmBfC',
  pipelineStageId: 'e93ba61a-53b3-45e7-985a-c7732dbcdb69',
  source: 'Loram ipsu',
  status: 'open',
  dateAdded: '2021-11-26T12:41:02.193Z',
};
const STATUS_WON = { ...STAGE_UPDATE, type: 'OpportunityStatusUpdate', status: 'won' };
const ENVELOPE = { timestamp: '2025-01-28T14:35:00Z', webhookId: 'abc123xyz' };

// Verbatim §2.2 ContactCreate example; ContactUpdate has the same schema.
const CONTACT_UPDATE = {
  type: 'ContactUpdate',
  locationId: 've9EPM428h8vShlRW1KT',
  id: 'nmFmQEsNgz6AVpgLVUJ0',
  address1: '3535 1st St N',
  city: 'ruDolomitebika',
  state: 'AL',
  companyName: 'Loram ipsum',
  country: 'DE',
  source: 'xyz form',
  dateAdded: '2021-11-26T12:41:02.193Z',
  dateOfBirth: '2000-01-05T00:00:00.000Z',
  dnd: true,
  email: 'JohnDeo@gmail.comm',
  name: 'John Deo',
  firstName: 'John',
  lastName: 'Deo',
  phone: '+919509597501',
  postalCode: '452001',
  tags: ['id magna sed Lorem', 'Duis dolor commodo aliqua'],
  website: 'https://www.google.com/',
  attachments: [],
  assignedTo: 'nmFmQEsNgz6AVpgLVUJ0',
  customFields: [{ id: 'BcdmQEsNgz6AVpgLVUJ0', value: 'XYZ Corp' }],
};
const EMAIL_HASH = sha256Hex('johndeo@gmail.comm');
const PHONE_HASH = sha256Hex('919509597501');

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

describe('parseGoHighLevelDelivery', () => {
  it('OpportunityStageUpdate (reference example): stage id, pipeline, value, hints', () => {
    const p = parseGoHighLevelDelivery(STAGE_UPDATE, opts);
    expect(p.ignored).toBe(0);
    expect(only(p)).toEqual({
      provider: 'gohighlevel',
      tenant: 've9EPM428h8vShlRW1KT',
      objectType: 'opportunity',
      objectId: 'wWhVuzqpRuOA1ZVWi4FC',
      pipeline: 'VDm7RPYC2GLUvdpKmBfC',
      stageField: 'pipelineStageId',
      stage: 'e93ba61a-53b3-45e7-985a-c7732dbcdb69',
      occurredAt: RECEIVED.toISOString(), // dateAdded is the creation date, not the change time
      value: 40,
      dedupeKey: sha256Hex(
        'OpportunityStageUpdate|ve9EPM428h8vShlRW1KT|wWhVuzqpRuOA1ZVWi4FC|e93ba61a-53b3-45e7-985a-c7732dbcdb69|',
      ),
      hints: {
        crmRecords: [
          { objectType: 'opportunity', id: 'wWhVuzqpRuOA1ZVWi4FC' },
          { objectType: 'contact', id: 'cJAWDskpkJHbRbhAT7bs' },
        ],
        emailHashes: [],
        phoneHashes: [],
      },
    });
  });

  it('OpportunityStatusUpdate won: status field, won flag, envelope time and webhookId', () => {
    const c = only(parseGoHighLevelDelivery({ ...STATUS_WON, ...ENVELOPE, currency: 'usd' }, opts));
    expect(c).toMatchObject({ stageField: 'status', stage: 'won', won: true, value: 40, currency: 'USD' });
    expect(c.occurredAt).toBe('2025-01-28T14:35:00.000Z');
    expect(c.dedupeKey).toBe('abc123xyz');
  });

  it.each(['lost', 'abandoned', 'open'])(
    'OpportunityStatusUpdate %s is a change with won=false',
    (status) => {
      expect(only(parseGoHighLevelDelivery({ ...STATUS_WON, status }, opts))).toMatchObject({
        stage: status,
        won: false,
      });
    },
  );

  it('uses lastStatusChangeAt / lastStageChangeAt when there is no envelope timestamp', () => {
    const at = '2025-01-28T10:00:00.000Z';
    expect(only(parseGoHighLevelDelivery({ ...STATUS_WON, lastStatusChangeAt: at }, opts)).occurredAt).toBe(
      at,
    );
    expect(only(parseGoHighLevelDelivery({ ...STAGE_UPDATE, lastStageChangeAt: at }, opts)).occurredAt).toBe(
      at,
    );
  });

  it('duplicates get the same dedupeKey, distinct changes do not', () => {
    const later = { receivedAt: new Date(RECEIVED.getTime() + 600_000) };
    const key = (b: object, o = opts) => only(parseGoHighLevelDelivery(b, o)).dedupeKey;
    expect(key(STATUS_WON)).toBe(key(STATUS_WON, later));
    expect(key({ ...STATUS_WON, ...ENVELOPE })).toBe(key({ ...STATUS_WON, ...ENVELOPE }, later));
    expect(key(STATUS_WON)).not.toBe(key({ ...STATUS_WON, status: 'lost' }));
    expect(key(STATUS_WON)).not.toBe(key({ ...STATUS_WON, type: 'OpportunityStageUpdate' }));
  });

  it('hashes contact email/phone in the payload and never returns them raw', () => {
    const body = {
      ...STATUS_WON,
      contact: { id: 'cJAWDskpkJHbRbhAT7bs', email: ' JohnDeo@gmail.comm ', phone: '+91 95095 97501' },
    };
    const p = parseGoHighLevelDelivery(body, opts);
    expect(only(p).hints).toMatchObject({ emailHashes: [EMAIL_HASH], phoneHashes: [PHONE_HASH] });
    expect(only(p).hints.crmRecords).toHaveLength(2);
    const json = JSON.stringify(p);
    expect(json).not.toMatch(/johndeo/i);
    expect(json).not.toContain('9509597501');
  });

  it('skips unusable contact data without failing', () => {
    const c = only(parseGoHighLevelDelivery({ ...STATUS_WON, email: 'not-an-email', phone: '12' }, opts));
    expect(c.hints).toMatchObject({ emailHashes: [], phoneHashes: [] });
  });

  it('ContactUpdate (reference example) carries no stage: ignored, its hashed identity returned', () => {
    const p = parseGoHighLevelDelivery(CONTACT_UPDATE, opts);
    expect(p).toEqual({
      changes: [],
      ignored: 1,
      identities: [
        {
          provider: 'gohighlevel',
          tenant: 've9EPM428h8vShlRW1KT',
          crmRecords: [{ objectType: 'contact', id: 'nmFmQEsNgz6AVpgLVUJ0' }],
          emailHashes: [EMAIL_HASH],
          phoneHashes: [PHONE_HASH],
        },
      ],
    });
    expect(JSON.stringify(p)).not.toMatch(/johndeo/i);
  });

  it('ContactCreate with our external-id custom field reveals the external_id; without contact data, nothing', () => {
    const body = {
      type: 'ContactCreate',
      locationId: 'loc-1',
      id: 'contact-1',
      customFields: [{ id: 'fld-ext', value: ' visitor-42 ' }],
    };
    expect(parseGoHighLevelDelivery(body, { ...opts, externalIdFieldId: 'fld-ext' }).identities).toEqual([
      {
        provider: 'gohighlevel',
        tenant: 'loc-1',
        crmRecords: [{ objectType: 'contact', id: 'contact-1' }],
        externalId: 'visitor-42',
        emailHashes: [],
        phoneHashes: [],
      },
    ]);
    expect(parseGoHighLevelDelivery(body, opts)).toEqual({ changes: [], ignored: 1 });
  });

  it.each(['OpportunityCreate', 'OpportunityUpdate', 'ContactTagUpdate', 'AppInstall', 'SomethingNew'])(
    '%s is ignored',
    (type) => {
      expect(parseGoHighLevelDelivery({ type }, opts)).toEqual({ changes: [], ignored: 1 });
    },
  );

  it.each<[unknown, string]>([
    [null, 'body'],
    [[STATUS_WON], 'body'],
    ['{"type":"x"}', 'body'],
    [{ ...STATUS_WON, type: undefined }, 'body.type'],
    [{ ...STATUS_WON, type: 42 }, 'body.type'],
    [{ ...STATUS_WON, locationId: undefined }, 'body.locationId'],
    [{ ...STATUS_WON, locationId: '' }, 'body.locationId'],
    [{ ...STATUS_WON, id: { $oid: 'x' } }, 'body.id'],
    [{ ...STATUS_WON, status: undefined }, 'body.status'],
    [{ ...STAGE_UPDATE, pipelineStageId: null }, 'body.pipelineStageId'],
    [{ ...STATUS_WON, monetaryValue: 'lots' }, 'body.monetaryValue'],
    [{ ...STATUS_WON, webhookId: ['a'] }, 'body.webhookId'],
    [{ ...STATUS_WON, contactId: true }, 'body.contactId'],
    [{ ...CONTACT_UPDATE, locationId: undefined }, 'body.locationId'],
  ])('malformed body %# → CrmPayloadError naming %s', (body, field) => {
    expect(fieldOf(() => parseGoHighLevelDelivery(body, opts))).toBe(field);
  });
});

describe('parseGoHighLevelContactIdentity', () => {
  it('returns the contact id, hashes and (with the field id) our external_id', () => {
    const body = {
      ...CONTACT_UPDATE,
      customFields: [...CONTACT_UPDATE.customFields, { id: 'JRNYfield', value: 'ext_0f3c9a' }],
    };
    const id = parseGoHighLevelContactIdentity(body, { externalIdFieldId: 'JRNYfield' });
    expect(id).toEqual({
      tenant: 've9EPM428h8vShlRW1KT',
      contactId: 'nmFmQEsNgz6AVpgLVUJ0',
      hints: {
        externalId: 'ext_0f3c9a',
        crmRecords: [{ objectType: 'contact', id: 'nmFmQEsNgz6AVpgLVUJ0' }],
        emailHashes: [EMAIL_HASH],
        phoneHashes: [PHONE_HASH],
      },
    });
    expect(JSON.stringify(id)).not.toMatch(/johndeo|9509597501/i);
    expect(parseGoHighLevelContactIdentity(body)?.hints.externalId).toBeUndefined();
    expect(parseGoHighLevelContactIdentity(STATUS_WON)).toBeUndefined();
  });
});

describe('GOHIGHLEVEL_DEFAULT_STAGES', () => {
  it('maps opportunity status won to DealWon, nothing else', () => {
    expect(GOHIGHLEVEL_DEFAULT_STAGES).toEqual([
      { objectType: 'opportunity', stageField: 'status', stage: 'won', eventName: 'DealWon' },
    ]);
  });
});
