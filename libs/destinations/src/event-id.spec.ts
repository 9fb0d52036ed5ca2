import { createHash } from 'node:crypto';
import { conversionEventId } from './event-id';

describe('conversionEventId', () => {
  it('is crm_ + the first 40 hex of sha256(objectKey|eventName)', () => {
    const expected = createHash('sha256').update('hubspot:deal:123|DealWon').digest('hex').slice(0, 40);
    expect(conversionEventId('hubspot:deal:123', 'DealWon')).toBe(`crm_${expected}`);
  });

  it('depends on the object and the exact event name only', () => {
    const id = conversionEventId('salesforce:Opportunity:006xx', 'QualifiedLead');
    expect(conversionEventId('salesforce:Opportunity:006xx', 'QualifiedLead')).toBe(id);
    expect(conversionEventId('salesforce:Opportunity:006xx', 'qualifiedlead')).not.toBe(id);
    expect(conversionEventId('salesforce:Opportunity:006yy', 'QualifiedLead')).not.toBe(id);
  });
});
