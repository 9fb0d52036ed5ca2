import type { JourneyRow } from '@app/db';
import { journeyContext } from './journey-context';

const OCCURRED = new Date('2026-06-01T12:00:00Z');
const hex = (c: string) => c.repeat(64);
const row = (id: string, hashes: JourneyRow['hashes']): JourneyRow => ({
  visitor_id: id,
  external_id: `ext-${id}`,
  first_fbc: null,
  first_fbc_at: null,
  first_fbp: null,
  first_ip: null,
  first_user_agent: null,
  consent: null,
  lead_id: null,
  hashes,
  bots: [],
  last_seen_at: new Date('2026-05-30T00:00:00Z'),
});

describe('journeyContext', () => {
  it('carries em_google and ph_e164 into journey.hashes, merged across linked visitors, not as coverage keys', () => {
    const own = row('b', [
      { key_type: 'em', hash: hex('a') },
      { key_type: 'em_google', hash: hex('b') },
    ]);
    const linked = row('a', [
      { key_type: 'ph', hash: hex('c') },
      { key_type: 'ph_e164', hash: hex('d') },
      { key_type: 'em_google', hash: hex('e') },
    ]);
    const { journey, knownKeys } = journeyContext(own, {}, [linked], OCCURRED);
    expect(journey.hashes).toEqual({
      em: [hex('a')],
      ph: [hex('c')],
      em_google: [hex('b'), hex('e')],
      ph_e164: [hex('d')],
    });
    expect(knownKeys).toEqual(['em', 'ph', 'external_id']);
  });
});
