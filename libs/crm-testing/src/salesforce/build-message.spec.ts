import { parseSalesforceOutboundMessage } from '@app/crm/salesforce/parse';
import { buildOutboundMessage } from './build-message';
import { CAPTURED_CUSTOM_OBJECT_MESSAGE, REFERENCE_OPPORTUNITY_MESSAGE } from './fixtures';

const ORG = '00De0000000pmu1EAA';
const SAMPLE = {
  organizationId: ORG,
  actionId: '04ke0000000Cb2DAAS',
  enterpriseUrl: 'https://cs15.salesforce.com/services/Soap/c/29.0/00De0000000pmu1',
  partnerUrl: 'https://cs15.salesforce.com/services/Soap/u/29.0/00De0000000pmu1',
};

describe('buildOutboundMessage', () => {
  it('reproduces the captured message byte for byte', () => {
    const xml = buildOutboundMessage({
      ...SAMPLE,
      sessionId:
        '00De0000000pmu1!AQsAQJ6TzpySaKROMNTwKzcOluY5SsZ0rFz9nhA3ktEIly2om86AQtWIbEaakQ9x1lTKNohBaUhDaz2ZD3RSUDCWAGuvJbS0',
      notifications: [
        {
          id: '04le0000004lnFFAAY',
          sObjectType: 'State_Province__c',
          fields: {
            Abbrev__c: 'AR',
            Country__c: 'a28e00000002hMtAAI',
            Name: 'Arkansas',
            Id: 'a29e0000000K4P0AAK',
          },
        },
      ],
    });
    expect(xml).toBe(CAPTURED_CUSTOM_OBJECT_MESSAGE);
  });

  it('reproduces the reference sample (nil SessionId) up to its wrapped Envelope line', () => {
    const xml = buildOutboundMessage({
      ...SAMPLE,
      notifications: [
        {
          id: '04le0000004lnFFAAY',
          sObjectType: 'Opportunity',
          fields: {
            Id: '0067F000003pmdWQAQ',
            AccountId: '0017F000007ydJmQAI',
            Amount: '120000.0',
            IsClosed: true,
            IsWon: true,
            StageName: 'Closed Won',
            Visitor_Id__c: 'v_8f3c…',
          },
        },
      ],
    });
    expect(xml).toBe(REFERENCE_OPPORTUNITY_MESSAGE.replace(/\n\s+xmlns:xsd/, ' xmlns:xsd'));
  });

  it('escapes values, writes null as xsi:nil, leaves undefined out, and round-trips through the parser', () => {
    const xml = buildOutboundMessage({
      organizationId: ORG,
      notifications: [
        {
          id: '04le0000004lnFFAAY',
          sObjectType: 'Opportunity',
          fields: {
            Id: '0067F000003pmdWQAQ',
            StageName: `R&D <"Won"> 'x'`,
            Amount: null,
            CurrencyIsoCode: undefined,
          },
        },
      ],
    });
    expect(xml).toContain('<sf:Amount xsi:nil="true"/>');
    expect(xml).not.toContain('CurrencyIsoCode');
    expect(xml).toContain('<SessionId xsi:nil="true"/>');
    expect(xml).toContain(
      '<EnterpriseUrl>https://example.my.salesforce.com/services/Soap/c/62.0/00De0000000pmu1<',
    );
    const [change] = parseSalesforceOutboundMessage(xml, {
      externalIdField: 'Journey_External_Id__c',
    }).changes;
    expect(change).toMatchObject({ stage: `R&D <"Won"> 'x'` });
    expect(change).not.toHaveProperty('value');
  });

  it('refuses bad ids, field names and characters XML cannot carry', () => {
    const n = { id: '04le0000004lnFFAAY', sObjectType: 'Lead', fields: { Id: '00Q5e000001AbCdAAA' } };
    expect(() => buildOutboundMessage({ organizationId: 'x', notifications: [] })).toThrow(/organizationId/);
    expect(() => buildOutboundMessage({ organizationId: ORG, notifications: [{ ...n, id: 'x' }] })).toThrow();
    expect(() =>
      buildOutboundMessage({ organizationId: ORG, notifications: [{ ...n, sObjectType: 'a b' }] }),
    ).toThrow();
    expect(() =>
      buildOutboundMessage({ organizationId: ORG, notifications: [{ ...n, fields: { 'x><y': 'v' } }] }),
    ).toThrow();
    expect(() =>
      buildOutboundMessage({
        organizationId: ORG,
        notifications: [{ ...n, fields: { Status: 'a\u0000b' } }],
      }),
    ).toThrow();
  });
});
