import type { JourneyWithTouches, LifecycleOutcome } from '@app/db';
import { capiEventId } from '@app/destinations';
import { journeyRow, lifecycleEvent } from '../../../../test/support/lifecycle-in-memory';
import { buildBatch } from './build-batch';
import type { GatedChange } from './lifecycle-steps';

const now = new Date('2026-01-10T12:05:00Z');
const settings = {
  defaultCurrency: 'EUR',
  leadIdSource: (provider: string) => `${provider} lead field`,
  now,
};

function gated(
  eventFields: Parameters<typeof lifecycleEvent>[0],
  row: JourneyWithTouches = journeyRow(),
): GatedChange {
  return {
    event: lifecycleEvent(eventFields),
    visitorId: row.visitor_id,
    joinMethod: 'email',
    row,
    journeys: new Map([[row.visitor_id, row]]),
  };
}

describe('buildBatch', () => {
  it('builds the CAPI event of a gated change with its event id, contributors and note', () => {
    const outcomes: LifecycleOutcome[] = [];
    const [built] = buildBatch([gated({ value: '120.5', lead_id: 'L-1' })], settings, outcomes);
    expect(outcomes).toEqual([]);
    expect(built.eventId).toBe(capiEventId('hubspot:deal:d1', 'Purchase'));
    expect(built.payload).toMatchObject({
      event_name: 'Purchase',
      event_id: built.eventId,
      event_time: Math.floor(new Date('2026-01-10T12:00:00Z').getTime() / 1000),
      custom_data: expect.objectContaining({ value: 120.5, currency: 'EUR' }),
    });
    expect(built.contributors).toEqual(['v1']);
    expect(built.note).toBe(
      'lead_id from hubspot lead field left out: not a Meta Lead Ads id (15-17 digits)',
    );
  });

  it('records an event that does not validate instead of building it', () => {
    const outcomes: LifecycleOutcome[] = [];
    expect(buildBatch([gated({ id: 'e9', event_name: ' ' })], settings, outcomes)).toEqual([]);
    expect(outcomes).toEqual([
      {
        id: 'e9',
        visitorId: 'v1',
        joinMethod: 'email',
        status: 'invalid',
        statusReason: 'not sent: the event failed validation before sending (event_name_missing)',
        note: null,
      },
    ]);
  });
});
