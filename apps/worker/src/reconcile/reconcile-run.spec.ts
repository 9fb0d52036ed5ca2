import { HubspotApiClient, HubspotReconcileSource, loadStageMap, type StoredLifecycleChange } from '@app/crm';
import { FakeHubspotApi } from '../../../../test/fakes/hubspot-api';
import { reconcileCrm, type ReconciledRecord, type ReconcileStore } from './reconcile-run';

const TOKEN = 'pat-test-hubspot-token';
const NOW = new Date('2026-11-30T12:00:00Z');

/** Postgres as the sweep sees it: cursors, stored rows (unique by dedupe key). */
class InMemoryStore implements ReconcileStore {
  cursors = new Map<string, Date>();
  rows: StoredLifecycleChange[] = [];
  deliveries = 0;
  failStore = false;

  async cursor(provider: string, objectType: string) {
    return this.cursors.get(`${provider}:${objectType}`);
  }
  async advance(provider: string, objectType: string, to: Date) {
    const key = `${provider}:${objectType}`;
    const current = this.cursors.get(key);
    if (!current || current < to) this.cursors.set(key, to);
  }
  async latestStages(provider: string, records: ReconciledRecord[]) {
    return records.flatMap((record) => {
      const rows = this.rows
        .filter(
          (r) =>
            r.provider === provider && r.objectId === record.objectId && r.stageField === record.stageField,
        )
        .sort((a, b) => b.occurredAt.getTime() - a.occurredAt.getTime());
      return rows.length ? [{ ...record, stage: rows[0].stage }] : [];
    });
  }
  async store(_provider: string, changes: StoredLifecycleChange[]) {
    if (this.failStore) throw new Error('store down');
    this.deliveries++;
    const fresh = changes.filter((c) => !this.rows.some((r) => r.dedupeKey === c.dedupeKey));
    this.rows.push(...fresh);
    return { stored: fresh.length, duplicates: changes.length - fresh.length };
  }
}

describe('reconcileCrm (HubSpot source against the local fake)', () => {
  const fake = new FakeHubspotApi({ accessToken: TOKEN });
  let source: HubspotReconcileSource;
  const stageMap = loadStageMap();
  const options = {
    stageMap,
    firstLookbackMs: 24 * 3600_000,
    overlapMs: 5 * 60_000,
    maxPages: 5,
    now: () => NOW,
  };

  beforeAll(async () => {
    const { url } = await fake.start();
    const api = new HubspotApiClient({
      apiUrl: url,
      accessToken: TOKEN,
      externalIdProperty: 'journey_external_id',
    });
    source = new HubspotReconcileSource(api, { externalIdProperty: 'journey_external_id' });
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  it('stores a missed closedwon once, advances the cursor, and finds nothing new on the next run', async () => {
    const store = new InMemoryStore();
    fake.addDeal({ id: '9876', pipeline: 'default', contactIds: [] });
    fake.setStage('deal', '9876', 'closedwon', new Date('2026-11-30T11:00:00Z'));
    fake.addDeal({ id: '5555', contactIds: [] });
    fake.setStage('deal', '5555', 'appointmentscheduled', new Date('2026-11-30T11:10:00Z'));

    const first = await reconcileCrm(source, store, options);
    expect(first).toEqual({ found: 2, stored: 1, known: 0, unmapped: 1 });
    expect(store.rows).toEqual([
      expect.objectContaining({
        objectId: '9876',
        stage: 'closedwon',
        eventName: 'DealWon',
        status: 'pending',
      }),
    ]);
    expect(store.cursors.get('hubspot:deal')).toEqual(new Date('2026-11-30T11:10:00Z'));

    const second = await reconcileCrm(source, store, options);
    expect(second.stored).toBe(0);
    expect(store.rows).toHaveLength(1);
  });

  it('recognises a stage already stored by webhook under another key', async () => {
    const store = new InMemoryStore();
    fake.addDeal({ id: '777', contactIds: [] });
    fake.setStage('deal', '777', 'closedwon', new Date('2026-11-30T11:00:00Z'));
    store.rows.push({
      provider: 'hubspot',
      objectId: '777',
      stageField: 'dealstage',
      stage: 'closedwon',
      dedupeKey: 'a-webhook-key-with-another-time',
      occurredAt: new Date('2026-11-30T11:00:01Z'),
    } as StoredLifecycleChange);
    const outcome = await reconcileCrm(source, store, options);
    expect(outcome).toMatchObject({ stored: 0, known: 1 });
    expect(store.deliveries).toBe(0);
  });

  it('leaves the cursor where it was when the store fails, and sweeps from `since` for a backfill', async () => {
    const store = new InMemoryStore();
    fake.addDeal({ id: '1', contactIds: [] });
    fake.setStage('deal', '1', 'closedwon', new Date('2026-11-25T00:00:00Z'));
    store.failStore = true;
    await expect(
      reconcileCrm(source, store, { ...options, since: new Date('2026-11-23T00:00:00Z') }),
    ).rejects.toThrow('store down');
    expect(store.cursors.size).toBe(0);
    store.failStore = false;
    // The default first look-back (a day) does not reach it; a backfill from a week ago does.
    expect((await reconcileCrm(source, store, options)).stored).toBe(0);
    const backfill = await reconcileCrm(source, store, {
      ...options,
      since: new Date('2026-11-23T00:00:00Z'),
    });
    expect(backfill.stored).toBe(1);
  });

  it('stops a scheduled run at maxPages, the next going on past its overlap; a backfill reads to the end', async () => {
    const ids = Array.from({ length: 150 }, (_, i) => String(500 + i));
    ids.forEach((id, i) => {
      fake.addDeal({ id, contactIds: [] });
      fake.setStage('deal', id, 'closedwon', new Date(Date.parse('2026-11-30T10:00:00Z') + i * 1000));
    });
    const onePage = { ...options, maxPages: 1 };
    const scheduled = new InMemoryStore();
    expect((await reconcileCrm(source, scheduled, onePage)).stored).toBe(100);
    expect(scheduled.cursors.get('hubspot:deal')).toEqual(new Date('2026-11-30T10:01:39Z'));
    expect((await reconcileCrm(source, scheduled, onePage)).stored).toBe(50);

    const backfill = new InMemoryStore();
    const since = new Date('2026-11-30T09:00:00Z');
    expect((await reconcileCrm(source, backfill, { ...onePage, since })).stored).toBe(150);
  });
});
