import { eventValue, isMetaLeadId, leadIdNote } from './event-value';

describe('eventValue', () => {
  it("keeps the CRM's own currency, upper-cased", () => {
    expect(eventValue(5000, 'usd', 'EUR')).toEqual({ value: 5000, currency: 'USD' });
  });

  it('falls back to DEFAULT_CURRENCY when the CRM sent none', () => {
    expect(eventValue(1200, undefined, 'EUR')).toEqual({ value: 1200, currency: 'EUR' });
  });

  it('leaves the value out, saying why, when no currency is known', () => {
    expect(eventValue(1200)).toEqual({
      note: 'value 1200 left out: the CRM sent no currency and DEFAULT_CURRENCY is not set',
    });
    expect(eventValue(Number.NaN, 'USD')).toEqual({
      note: 'value left out: the CRM sent no readable amount',
    });
  });

  it('has nothing to say without a value', () => {
    expect(eventValue(undefined, 'USD', 'EUR')).toEqual({});
  });
});

describe('lead ids', () => {
  it('accepts 15-17 digits only', () => {
    expect(isMetaLeadId('123456789012345')).toBe(true);
    expect(isMetaLeadId('12345678901234567')).toBe(true);
    expect(isMetaLeadId('12345678901234')).toBe(false);
    expect(isMetaLeadId('123456789012345678')).toBe(false);
    expect(isMetaLeadId('12345678901234a')).toBe(false);
  });

  it('explains a CRM lead id that is left out', () => {
    expect(leadIdNote('1234567890123456', 'HubSpot meta_lead_id')).toBeUndefined();
    expect(leadIdNote(undefined, 'x')).toBeUndefined();
    expect(leadIdNote('L-77', 'Salesforce Meta_Lead_Id__c')).toBe(
      'lead_id from Salesforce Meta_Lead_Id__c left out: not a Meta Lead Ads id (15-17 digits)',
    );
  });
});
