import { buildOutboundMessage, type OutboundNotificationInput } from '@app/crm-testing';
import { CrmPayloadError } from '../lifecycle-change';
import { parseSalesforceOutboundMessage, type SalesforceParseOptions } from './parse';

const ORG = '00De0000000pmu1EAA';
const options: SalesforceParseOptions = { externalIdField: 'Journey_External_Id__c' };
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

describe('parseSalesforceOutboundMessage: refusals', () => {
  const valid = message([
    { id: nid(1), sObjectType: 'Lead', fields: { Id: '00Q5e000001AbCdAAA', Status: 'Qualified' } },
  ]);

  it('refuses an XXE attempt before parsing', () => {
    const xxe = valid
      .replace(
        '<soapenv:Envelope',
        '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<soapenv:Envelope',
      )
      .replace('Qualified', '&xxe;');
    const e = refusal(() => parseSalesforceOutboundMessage(xxe, options));
    expect(e.field).toBe('body');
    expect(e.message).toMatch(/DOCTYPE/);
  });

  it('refuses a billion-laughs payload quickly, without expanding it', () => {
    const lol = [
      '<?xml version="1.0"?>',
      '<!DOCTYPE lolz [<!ENTITY lol "lol">',
      ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`),
      ']>',
      '<lolz>&lol9;</lolz>',
    ].join('\n');
    const start = process.hrtime.bigint();
    expect(refusal(() => parseSalesforceOutboundMessage(lol, options)).field).toBe('body');
    expect(Number(process.hrtime.bigint() - start) / 1e6).toBeLessThan(50);
  });

  it('refuses undeclared entities and entity declarations without a DOCTYPE', () => {
    expect(
      refusal(() => parseSalesforceOutboundMessage(valid.replace('Qualified', '&lol;'), options)).field,
    ).toBe('body');
    const decl = valid.replace('<soapenv:Body>', '<soapenv:Body><!ENTITY x "y">');
    expect(refusal(() => parseSalesforceOutboundMessage(decl, options)).field).toBe('body');
  });

  it.each([
    ['empty', ''],
    ['not XML', '{"OrganizationId":"00De0000000pmu1EAA"}'],
    ['truncated', valid.slice(0, valid.length - 20)],
    ['mismatched tags', '<a><b></a></b>'],
    ['two roots', `${valid}\n<x/>`],
    ['undeclared prefix', valid.replace('<soapenv:Body>', '<soapenv:Body><zz:Header/>')],
    ['not SOAP', '<notifications xmlns="http://soap.sforce.com/2005/09/outbound"/>'],
    [
      'SOAP 1.2',
      valid.replaceAll(
        'http://schemas.xmlsoap.org/soap/envelope/',
        'http://www.w3.org/2003/05/soap-envelope',
      ),
    ],
    ['another SOAP body', valid.replaceAll('http://soap.sforce.com/2005/09/outbound', 'urn:other')],
    ['deeply nested', `<a>${'<b>'.repeat(200)}${'</b>'.repeat(200)}</a>`],
  ])('refuses malformed or foreign bodies: %s', (_name, xml) => {
    expect(refusal(() => parseSalesforceOutboundMessage(xml, options)).field).toBe('body');
  });

  it('bounds nesting depth and the number of tags inside a valid envelope', () => {
    const deep = valid.replace('<sf:Id>', `<sf:X>${'<b>'.repeat(40)}${'</b>'.repeat(40)}</sf:X><sf:Id>`);
    expect(refusal(() => parseSalesforceOutboundMessage(deep, options)).message).toMatch(
      /nested deeper than 32/,
    );
    const wide = valid.replace('<sf:Id>', `<sf:X>${'<b/>'.repeat(100_001)}</sf:X><sf:Id>`);
    expect(refusal(() => parseSalesforceOutboundMessage(wide, options)).message).toMatch(
      /more than 100000 tags/,
    );
  });

  it('refuses a body over maxBytes (default 1 MiB)', () => {
    const big = valid.replace('Qualified', 'x'.repeat(1024 * 1024));
    expect(refusal(() => parseSalesforceOutboundMessage(big, options)).message).toMatch(
      /larger than 1048576/,
    );

    const e = refusal(() => parseSalesforceOutboundMessage(valid, { ...options, maxBytes: 100 }));
    expect(e.message).toMatch(/larger than 100 bytes/);
  });

  it('names the field when a value is malformed', () => {
    const at = (fields: Record<string, string>) =>
      refusal(() =>
        parseSalesforceOutboundMessage(
          message([
            {
              id: nid(1),
              sObjectType: 'Opportunity',
              fields: { Id: '0065e000001AbCdAAA', StageName: 'X', ...fields },
            },
          ]),
          options,
        ),
      ).field;
    expect(at({ Amount: '12,5' })).toBe('Notification[0].sObject.Amount');
    expect(at({ CurrencyIsoCode: 'euro' })).toBe('Notification[0].sObject.CurrencyIsoCode');
    expect(at({ LastModifiedDate: '2024-02-30T10:00:00Z' })).toBe('Notification[0].sObject.LastModifiedDate');
    expect(at({ SystemModstamp: 'yesterday' })).toBe('Notification[0].sObject.SystemModstamp');
    expect(at({ Id: 'nope' })).toBe('Notification[0].sObject.Id');
    expect(refusal(() => parseSalesforceOutboundMessage(valid.replace(nid(1), 'x'), options)).field).toBe(
      'Notification[0].Id',
    );
    expect(refusal(() => parseSalesforceOutboundMessage(valid.replace(ORG, ''), options)).field).toBe(
      'OrganizationId',
    );
  });
});
