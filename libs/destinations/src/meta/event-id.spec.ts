import { createHash } from 'node:crypto';
import { capiEventId } from './event-id';

describe('capiEventId', () => {
  it('is crm_ + the first 40 hex of sha256(objectKey|eventName)', () => {
    const expected = createHash('sha256').update('hubspot:deal:123|DealWon').digest('hex').slice(0, 40);
    expect(capiEventId('hubspot:deal:123', 'DealWon')).toBe(`crm_${expected}`);
    expect(capiEventId('hubspot:deal:123', 'DealWon')).toMatch(/^crm_[0-9a-f]{40}$/);
  });

  it('is stable for the same object and event, different otherwise', () => {
    const id = capiEventId('salesforce:Opportunity:006xx', 'QualifiedLead');
    expect(capiEventId('salesforce:Opportunity:006xx', 'QualifiedLead')).toBe(id);
    expect(capiEventId('salesforce:Opportunity:006xx', 'DealWon')).not.toBe(id);
    expect(capiEventId('salesforce:Opportunity:006yy', 'QualifiedLead')).not.toBe(id);
    expect(capiEventId('salesforce:Opportunity:006xx', 'qualifiedlead')).not.toBe(id);
  });

  it('carries no part of the object key and stays short', () => {
    const id = capiEventId('gohighlevel:opportunity:person@example.com', 'DealWon');
    expect(id).not.toContain('example');
    expect(id.length).toBeLessThanOrEqual(128);
  });
});
