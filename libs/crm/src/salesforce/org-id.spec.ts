import { randomSalesforceId } from '@app/crm-testing';
import { isSalesforceId, orgIdMatches, toSalesforceId18 } from './org-id';

describe('Salesforce ids', () => {
  it('computes the 18-character form of a 15-character id', () => {
    expect(toSalesforceId18('00De0000000pmu1')).toBe('00De0000000pmu1EAA');
    expect(toSalesforceId18('0067F000003pmdW')).toBe('0067F000003pmdWQAQ');
    expect(toSalesforceId18('04le0000004lnFF')).toBe('04le0000004lnFFAAY');
    expect(toSalesforceId18('00De0000000pmu1EAA')).toBe('00De0000000pmu1EAA');
    expect(toSalesforceId18('00De0000000pmu')).toBeUndefined();
    expect(toSalesforceId18('00De0000000pmu1!')).toBeUndefined();
  });

  it('makes random ids with a valid checksum', () => {
    const id = randomSalesforceId('00D');
    expect(isSalesforceId(id)).toBe(true);
    expect(id.startsWith('00D')).toBe(true);
    expect(toSalesforceId18(id.slice(0, 15))).toBe(id);
    expect(() => randomSalesforceId('0')).toThrow();
  });
});

describe('orgIdMatches', () => {
  const id15 = '00De0000000pmu1';
  const id18 = '00De0000000pmu1EAA';

  it('treats the 15- and 18-character forms of one org as equal, both ways', () => {
    expect(orgIdMatches(id18, [id15])).toBe(true);
    expect(orgIdMatches(id15, [id18])).toBe(true);
    expect(orgIdMatches(id18, [id18])).toBe(true);
    expect(orgIdMatches(id15, [id15])).toBe(true);
    expect(orgIdMatches(id18, ['00Dxx0000000001', ` ${id15} `])).toBe(true);
  });

  it('compares 18-character forms case-insensitively and 15-character forms case-sensitively', () => {
    expect(orgIdMatches(id18.toLowerCase(), [id15])).toBe(true);
    expect(orgIdMatches(id15.toLowerCase(), [id18])).toBe(false);
    expect(orgIdMatches(id15.toLowerCase(), [id15])).toBe(false);
  });

  it('does not match other orgs, wrong checksums, malformed or empty entries', () => {
    expect(orgIdMatches(id18, [])).toBe(false);
    expect(orgIdMatches(id18, [''])).toBe(false);
    expect(orgIdMatches(id18, ['00De0000000pmu2'])).toBe(false);
    expect(orgIdMatches('00De0000000pmu1XYZ', [id15])).toBe(false);
    expect(orgIdMatches('', [id15])).toBe(false);
    expect(orgIdMatches('00De0000000pmu1E', [id15])).toBe(false);
  });
});
