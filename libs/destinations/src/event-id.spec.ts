import { createHash } from 'node:crypto';
import { conversionEventId } from './event-id';
import { capiEventId } from './meta/event-id';

describe('conversionEventId', () => {
  it('is crm_ + the first 40 hex of sha256(objectKey|eventName)', () => {
    const expected = createHash('sha256').update('hubspot:deal:123|DealWon').digest('hex').slice(0, 40);
    expect(conversionEventId('hubspot:deal:123', 'DealWon')).toBe(`crm_${expected}`);
  });

  it("is exactly Meta's event id, so every platform sees the same id for one conversion", () => {
    expect(conversionEventId('salesforce:Opportunity:006xx', 'QualifiedLead')).toBe(
      capiEventId('salesforce:Opportunity:006xx', 'QualifiedLead'),
    );
  });
});
