import { sha256Hex } from '@app/journey';
import {
  buildOutboundMessage,
  CAPTURED_CUSTOM_OBJECT_MESSAGE,
  OTHER_PREFIXES_LEAD_MESSAGE,
  REFERENCE_OPPORTUNITY_MESSAGE,
  type OutboundNotificationInput,
} from '@app/crm-testing';
import { CrmPayloadError } from '../lifecycle-change';
import { parseSalesforceOutboundMessage, type SalesforceParseOptions } from './parse';

const ORG = '00De0000000pmu1EAA';
const receivedAt = new Date('2024-06-01T12:00:00.000Z');
const options: SalesforceParseOptions = { externalIdField: 'Journey_External_Id__c', receivedAt };
const nid = (n: number) => `04le0000004l${String(n).padStart(3, '0')}AAY`;

function message(notifications: OutboundNotificationInput[]): string {
  return buildOutboundMessage({ organizationId: ORG, notifications });
}

function refusal(run: () => unknown): CrmPayloadError {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(CrmPayloadError);
    return e as CrmPayloadError;
  }
  throw new Error('expected a CrmPayloadError');
}

describe('parseSalesforceOutboundMessage: documented samples', () => {
  it('parses the reference Opportunity sample (§3.2)', () => {
    const result = parseSalesforceOutboundMessage(REFERENCE_OPPORTUNITY_MESSAGE, {
      ...options,
      externalIdField: 'Visitor_Id__c',
    });
    expect(result).toEqual({
      organizationId: ORG,
      notificationIds: ['04le0000004lnFFAAY'],
      ignored: 0,
      changes: [
        {
          provider: 'salesforce',
          tenant: ORG,
          objectType: 'opportunity',
          objectId: '0067F000003pmdWQAQ',
          stageField: 'StageName',
          stage: 'Closed Won',
          won: true,
          value: 120000,
          occurredAt: receivedAt.toISOString(),
          dedupeKey: '04le0000004lnFFAAY',
          hints: {
            externalId: 'v_8f3c…',
            crmRecords: [{ objectType: 'opportunity', id: '0067F000003pmdWQAQ' }],
            emailHashes: [],
            phoneHashes: [],
          },
        },
      ],
      // The external-id field also re-pends earlier unjoined changes of the same record.
      identities: [
        {
          provider: 'salesforce',
          tenant: ORG,
          crmRecords: [{ objectType: 'opportunity', id: '0067F000003pmdWQAQ' }],
          externalId: 'v_8f3c…',
          emailHashes: [],
          phoneHashes: [],
        },
      ],
    });
    expect(result.changes[0]).not.toHaveProperty('pipeline');
  });

  it('parses a captured message for another object as ignored, without leaking the session id', () => {
    const result = parseSalesforceOutboundMessage(CAPTURED_CUSTOM_OBJECT_MESSAGE, options);
    expect(result).toEqual({
      organizationId: ORG,
      notificationIds: ['04le0000004lnFFAAY'],
      changes: [],
      ignored: 1,
    });
    expect(JSON.stringify(result)).not.toContain('AQsAQJ6T');
  });

  it('resolves namespaces whatever the prefixes, decodes entities and CDATA, reads SystemModstamp', () => {
    const { organizationId, changes } = parseSalesforceOutboundMessage(OTHER_PREFIXES_LEAD_MESSAGE, options);
    expect(organizationId).toBe('00De0000000pmu1');
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({
      objectType: 'lead',
      objectId: '00Q5e00000AbCdEEAV',
      stageField: 'Status',
      stage: 'Working & Contacted',
      occurredAt: '2024-05-01T10:20:30.000Z',
      dedupeKey: '04le0000004lnFGAAY',
      hints: { externalId: 'ext_<1>' },
    });
    expect(changes[0]!.won).toBeUndefined();
  });
});

describe('parseSalesforceOutboundMessage: notifications', () => {
  it('turns 3 notifications into 3 changes keyed by their notification Ids', () => {
    const xml = message([
      {
        id: nid(1),
        sObjectType: 'Opportunity',
        fields: { Id: '0065e000001AbCdAAA', StageName: 'Qualification' },
      },
      { id: nid(2), sObjectType: 'Lead', fields: { Id: '00Q5e000001AbCdAAA', Status: 'Qualified' } },
      {
        id: nid(3),
        sObjectType: 'Opportunity',
        fields: { Id: '0065e000001AbCeAAA', StageName: 'Closed Lost', IsWon: false },
      },
    ]);
    const result = parseSalesforceOutboundMessage(xml, options);
    expect(result.notificationIds).toEqual([nid(1), nid(2), nid(3)]);
    expect(result.changes.map((c) => [c.dedupeKey, c.objectType, c.stage, c.won])).toEqual([
      [nid(1), 'opportunity', 'Qualification', undefined],
      [nid(2), 'lead', 'Qualified', undefined],
      [nid(3), 'opportunity', 'Closed Lost', false],
    ]);
    expect(result.ignored).toBe(0);
  });

  it('accepts 100 notifications and refuses 101', () => {
    const many = (n: number) =>
      message(
        Array.from({ length: n }, (_, i) => ({
          id: nid(i),
          sObjectType: 'Lead',
          fields: { Id: '00Q5e000001AbCdAAA', Status: 'Working - Contacted' },
        })),
      );
    expect(parseSalesforceOutboundMessage(many(100), options).changes).toHaveLength(100);
    const e = refusal(() => parseSalesforceOutboundMessage(many(101), options));
    expect(e.field).toBe('body');
    expect(e.message).toMatch(/more than 100/);
  });

  it('reads value, currency, dates, related records and the external id of an opportunity', () => {
    const xml = message([
      {
        id: nid(1),
        sObjectType: 'Opportunity',
        fields: {
          Id: '0065e000001AbCdAAA',
          AccountId: '0015e000001AbCdAAA',
          ContactId: '0035e000001AbCdAAA',
          Amount: '4999.5',
          CurrencyIsoCode: 'eur',
          IsWon: true,
          StageName: 'Negotiation/Review',
          LastModifiedDate: '2024-05-30T08:00:00.000Z',
          SystemModstamp: '2024-05-30T08:00:01.000Z',
          Journey_External_Id__c: 'ext_123',
        },
      },
    ]);
    const [change] = parseSalesforceOutboundMessage(xml, options).changes;
    expect(change).toMatchObject({
      value: 4999.5,
      currency: 'EUR',
      won: true,
      stage: 'Negotiation/Review',
      occurredAt: '2024-05-30T08:00:00.000Z',
      hints: {
        externalId: 'ext_123',
        crmRecords: [
          { objectType: 'opportunity', id: '0065e000001AbCdAAA' },
          { objectType: 'contact', id: '0035e000001AbCdAAA' },
        ],
      },
    });
  });

  it('reads the lead id from SALESFORCE_LEAD_ID_FIELD when configured, and only then', () => {
    const xml = message([
      {
        id: nid(1),
        sObjectType: 'Lead',
        fields: { Id: '00Q5e000001AbCdAAA', Status: 'Qualified', Meta_Lead_Id__c: '1234567890123456' },
      },
    ]);
    const [withField] = parseSalesforceOutboundMessage(xml, {
      ...options,
      leadIdField: 'Meta_Lead_Id__c',
    }).changes;
    expect(withField.leadId).toBe('1234567890123456');
    expect(parseSalesforceOutboundMessage(xml, options).changes[0].leadId).toBeUndefined();
  });

  it('links a converted lead to its contact and opportunity', () => {
    const xml = message([
      {
        id: nid(1),
        sObjectType: 'Lead',
        fields: {
          Id: '00Q5e000001AbCdAAA',
          Status: 'Closed - Converted',
          ConvertedAccountId: '0015e000001AbCdAAA',
          ConvertedContactId: '0035e000001AbCdAAA',
          ConvertedOpportunityId: '0065e000001AbCdAAA',
        },
      },
    ]);
    expect(parseSalesforceOutboundMessage(xml, options).changes[0]!.hints.crmRecords).toEqual([
      { objectType: 'lead', id: '00Q5e000001AbCdAAA' },
      { objectType: 'contact', id: '0035e000001AbCdAAA' },
      { objectType: 'opportunity', id: '0065e000001AbCdAAA' },
    ]);
  });

  it('ignores contacts (unless a stage field is named), deleted records, other objects, blank stages', () => {
    const contact = { Id: '0035e000001AbCdAAA', Lifecycle__c: 'MQL', Email: 'a@b.co' };
    const xml = message([
      { id: nid(1), sObjectType: 'Contact', fields: contact },
      { id: nid(2), sObjectType: 'Opportunity', fields: {} },
      { id: nid(3), sObjectType: 'Account', fields: { Id: '0015e000001AbCdAAA', Name: 'Acme' } },
      { id: nid(4), sObjectType: 'Opportunity', fields: { Id: '0065e000001AbCdAAA', StageName: null } },
      { id: nid(5), sObjectType: 'Lead', fields: { Id: '00Q5e000001AbCdAAA', Email: 'a@b.co' } },
    ]);
    const plain = parseSalesforceOutboundMessage(xml, options);
    expect(plain).toMatchObject({ changes: [], ignored: 5 });
    expect(plain.notificationIds).toHaveLength(5);
    const withStage = parseSalesforceOutboundMessage(xml, { ...options, contactStageField: 'Lifecycle__c' });
    expect(withStage.ignored).toBe(4);
    expect(withStage.changes[0]).toMatchObject({
      objectType: 'contact',
      stageField: 'Lifecycle__c',
      stage: 'MQL',
    });
  });

  it('reveals the identity of a Contact (no stage) or Lead carrying an email or the external-id field', () => {
    const xml = message([
      { id: nid(1), sObjectType: 'Contact', fields: { Id: '0035e000001AbCdAAA', Email: 'A@B.co' } },
      {
        id: nid(2),
        sObjectType: 'Lead',
        fields: {
          Id: '00Q5e000001AbCdAAA',
          Journey_External_Id__c: 'visitor-7',
          ConvertedContactId: '0035e000001AbCdAAA',
        },
      },
      { id: nid(3), sObjectType: 'Account', fields: { Id: '0015e000001AbCdAAA', Name: 'Acme' } },
      { id: nid(4), sObjectType: 'Lead', fields: { Id: '00Q5e000002AbCdAAA', Status: 'Open' } },
    ]);
    const result = parseSalesforceOutboundMessage(xml, {
      ...options,
      externalIdField: 'Journey_External_Id__c',
    });
    expect(result.identities).toEqual([
      {
        provider: 'salesforce',
        tenant: ORG,
        crmRecords: [{ objectType: 'contact', id: '0035e000001AbCdAAA' }],
        emailHashes: [sha256Hex('a@b.co')],
        phoneHashes: [],
      },
      {
        provider: 'salesforce',
        tenant: ORG,
        crmRecords: [
          { objectType: 'lead', id: '00Q5e000001AbCdAAA' },
          { objectType: 'contact', id: '0035e000001AbCdAAA' },
        ],
        externalId: 'visitor-7',
        emailHashes: [],
        phoneHashes: [],
      },
    ]);
  });

  it('hashes Email, Phone and MobilePhone (Country as phone region): only hashes in the result', () => {
    const fields = {
      Id: '00Q5e000001AbCdAAA',
      Status: 'Qualified',
      Email: ' Jane.Doe@Example.COM ',
      Phone: '030 1234567',
      MobilePhone: '+49 151 23456789',
      Country: 'Germany',
    };
    const result = parseSalesforceOutboundMessage(
      message([{ id: nid(1), sObjectType: 'Lead', fields }]),
      options,
    );
    expect(result.changes[0]!.hints.emailHashes).toEqual([sha256Hex('jane.doe@example.com')]);
    expect(result.changes[0]!.hints.phoneHashes).toEqual([
      sha256Hex('49301234567'),
      sha256Hex('4915123456789'),
    ]);
    const json = JSON.stringify(result).toLowerCase();
    for (const raw of ['jane', 'example.com', '1234567', '49301234567', '23456789']) {
      expect(json).not.toContain(raw);
    }
  });

  it('drops a national phone number when no country is known, and an invalid email', () => {
    const fields = {
      Id: '00Q5e000001AbCdAAA',
      Status: 'Qualified',
      Email: 'not-an-email',
      Phone: '650 555 1212',
    };
    const result = parseSalesforceOutboundMessage(
      message([{ id: nid(1), sObjectType: 'Lead', fields }]),
      options,
    );
    expect(result.changes[0]!.hints).toMatchObject({ emailHashes: [], phoneHashes: [] });
    expect(JSON.stringify(result)).not.toMatch(/not-an-email|650/);
  });
});
