import type { JourneyWithTouches } from '@app/db';
import { capiEventId, MetaDestination } from '@app/destinations';
import { journeyRow, lifecycleEvent } from '../../../../test/support/lifecycle-in-memory';
import { buildBatch } from './build-batch';
import type { GatedChange } from './lifecycle-steps';

const now = new Date('2026-01-10T12:05:00Z');
const settings = {
  defaultCurrency: 'EUR',
  leadIdSource: (provider: string) => `${provider} lead field`,
  now,
  destinations: [
    new MetaDestination({
      pixelId: '123456',
      accessToken: 'token-0123456789',
      graphUrl: 'http://127.0.0.1:1',
      apiVersion: 'v24.0',
    }),
  ],
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
  it("builds each destination's event of a gated change with its event id, contributors and note", () => {
    const [built] = buildBatch([gated({ value: '120.5', lead_id: 'L-1' })], settings);
    expect(built.eventId).toBe(capiEventId('hubspot:deal:d1', 'Purchase'));
    expect(built.decisions).toHaveLength(1);
    const [{ platform, destination, decision }] = built.decisions;
    expect([platform, destination, decision.kind]).toEqual(['meta', '123456', 'send']);
    expect(decision.kind === 'send' && decision.payload).toMatchObject({
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

  it('has a destination skip an event that does not validate, saying why', () => {
    const [built] = buildBatch([gated({ id: 'e9', event_name: ' ' })], settings);
    expect(built.decisions.map((entry) => entry.decision)).toEqual([
      { kind: 'skip', reason: 'not sent: the event failed validation before sending (event_name_missing)' },
    ]);
  });
});
