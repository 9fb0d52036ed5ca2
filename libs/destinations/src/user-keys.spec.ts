import { buildCapiEvent } from './meta/build-event';
import { cleanHashes, clickWithin, hashedExternalIds } from './user-keys';

const EM = '848a771458438fc2ec420560d769fb9b9b86851ee338ec56517baabd79d3bb4f';
const AT = new Date('2026-09-20T10:00:00.000Z');

describe('cleanHashes', () => {
  it('keeps well-formed sha256 hex once, lower-cased, and drops anything that may be raw', () => {
    expect(cleanHashes([EM, EM.toUpperCase(), ` ${EM} `, 'alice@example.com', ''])).toEqual([EM]);
    expect(cleanHashes(undefined)).toEqual([]);
  });
});

describe('hashedExternalIds', () => {
  it("hashes exactly as Meta's external_id does, linked visitors after the journey's own", () => {
    const journey = { externalId: ' CUST_1234 ', linkedExternalIds: ['cust_1234', 'Other'], hashes: {} };
    const meta = buildCapiEvent({
      leadEventSource: 'HubSpot',
      objectKey: 'hubspot:deal:1',
      eventName: 'DealWon',
      occurredAt: AT,
      journey,
    }).user_data.external_id;
    expect(hashedExternalIds(journey)).toEqual(meta);
    expect(hashedExternalIds(journey)).toHaveLength(2);
  });
});

describe('clickWithin', () => {
  const click = (msBefore: number) => ({ value: ' abc ', clickedAt: new Date(AT.getTime() - msBefore) });

  it('gives the value of a click inside the window, not after the event', () => {
    expect(clickWithin(click(1000), AT, 5000)).toBe('abc');
    expect(clickWithin(click(5000), AT, 5000)).toBe('abc');
    expect(clickWithin(click(5001), AT, 5000)).toBeUndefined();
    expect(clickWithin(click(-1), AT, 5000)).toBeUndefined();
    expect(clickWithin(undefined, AT, 5000)).toBeUndefined();
  });
});
