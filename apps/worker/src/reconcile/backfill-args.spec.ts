import { BackfillUsageError, parseBackfillArgs } from './backfill-args';

describe('parseBackfillArgs', () => {
  const now = new Date('2026-11-30T12:00:00Z');

  it('reads days back and ISO dates', () => {
    expect(parseBackfillArgs(['--crm', 'hubspot', '--since', '7d'], now)).toEqual({
      crm: 'hubspot',
      since: new Date('2026-11-23T12:00:00Z'),
    });
    expect(parseBackfillArgs(['--since', '2026-11-20', '--crm', 'salesforce'], now)).toEqual({
      crm: 'salesforce',
      since: new Date('2026-11-20T00:00:00Z'),
    });
    expect(parseBackfillArgs(['--crm', 'gohighlevel', '--since', '2026-11-29T08:30:00Z'], now).since).toEqual(
      new Date('2026-11-29T08:30:00Z'),
    );
  });

  it('refuses an unknown CRM, a missing or future time, and stray arguments, with the usage', () => {
    for (const argv of [
      ['--crm', 'pipedrive', '--since', '7d'],
      ['--crm', 'hubspot'],
      ['--crm', 'hubspot', '--since', 'last week'],
      ['--crm', 'hubspot', '--since', '2027-01-01'],
      ['hubspot', '--since', '7d'],
    ]) {
      expect(() => parseBackfillArgs(argv, now)).toThrow(BackfillUsageError);
      expect(() => parseBackfillArgs(argv, now)).toThrow(/usage: npm run crm:backfill/);
    }
  });
});
