import { FakeHubspotApi } from '../../../../test/fakes/hubspot-api';
import { HubspotApiClient } from './api-client';
import { parseHubspotDelivery } from './parse';
import { HubspotReconcileSource } from './reconcile';

const TOKEN = 'pat-test-hubspot-token';

describe('HubspotReconcileSource (against the local fake)', () => {
  const fake = new FakeHubspotApi({ accessToken: TOKEN });
  let source: HubspotReconcileSource;
  let apiUrl = '';
  const since = new Date('2026-11-30T10:00:00Z');

  beforeAll(async () => {
    const { url } = await fake.start();
    apiUrl = url;
    const api = new HubspotApiClient({
      apiUrl: url,
      accessToken: TOKEN,
      externalIdProperty: 'journey_external_id',
    });
    source = new HubspotReconcileSource(api, { externalIdProperty: 'journey_external_id' });
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  it('finds a deal moved to closedwon since the cursor, keyed exactly as its webhook', async () => {
    const wonAt = new Date('2026-11-30T10:05:00.123Z');
    fake.addDeal({ id: '9876', pipeline: 'default', contactIds: [] });
    fake.setStage('deal', '9876', 'closedwon', wonAt);
    fake.addDeal({ id: '1111', contactIds: [] });
    fake.setStage('deal', '1111', 'closedwon', new Date('2026-11-20T00:00:00Z'));

    const page = await source.page('deal', since);
    const webhook = parseHubspotDelivery(
      [
        {
          eventId: 1,
          subscriptionId: 2,
          portalId: 62515,
          appId: 3,
          occurredAt: wonAt.getTime(),
          subscriptionType: 'deal.propertyChange',
          attemptNumber: 0,
          objectId: 9876,
          propertyName: 'dealstage',
          propertyValue: 'closedwon',
        },
      ],
      { externalIdProperty: 'journey_external_id' },
    ).changes[0];
    expect(page.changes).toEqual([{ ...webhook, pipeline: 'default' }]);
    expect(page.cursor).toEqual(wonAt);
    expect(page.next).toBeUndefined();

    const [, search, history] = fake.requests();
    expect(search.path).toBe('/crm/v3/objects/deals/search');
    expect(JSON.parse(search.body!)).toMatchObject({
      filterGroups: [
        {
          filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: String(since.getTime()) }],
        },
      ],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
      limit: 100,
    });
    expect(JSON.parse(history.body!)).toMatchObject({
      inputs: [{ id: '9876' }],
      propertiesWithHistory: ['dealstage'],
    });
  });

  it('skips a record modified in the window whose stage was set before it', async () => {
    fake.addDeal({ id: '42', contactIds: [] });
    fake.setStage('deal', '42', 'qualifiedtobuy', new Date('2026-11-29T00:00:00Z'));
    fake.addDeal({
      id: '42',
      dealstage: 'qualifiedtobuy',
      contactIds: [],
      properties: { hs_lastmodifieddate: '2026-11-30T10:30:00.000Z' },
    });
    const page = await source.page('deal', since);
    expect(page.changes).toEqual([]);
    expect(page.cursor).toEqual(new Date('2026-11-30T10:30:00.000Z'));
  });

  it('sweeps contacts on lastmodifieddate, with the external id property as a hint, paging with after', async () => {
    for (let i = 1; i <= 101; i++) {
      fake.addContact({ id: String(i), externalId: i === 101 ? 'ext-101' : undefined });
      fake.setStage('contact', String(i), 'salesqualifiedlead', new Date(since.getTime() + i * 1000));
    }
    const first = await source.page('contact', since);
    expect(first.changes).toHaveLength(100);
    const batches = fake.requests().filter((r) => r.path === '/crm/v3/objects/contacts/batch/read');
    expect(batches.map((r) => JSON.parse(r.body!).inputs.length)).toEqual([50, 50]);
    expect(first.next).toBe('100');
    const second = await source.page('contact', since, first.next);
    expect(second.changes).toEqual([
      expect.objectContaining({
        objectType: 'contact',
        objectId: '101',
        stageField: 'lifecyclestage',
        stage: 'salesqualifiedlead',
        hints: expect.objectContaining({ externalId: 'ext-101' }),
      }),
    ]);
    expect(second.next).toBeUndefined();
  });

  it("starts a new search at the last record read before paging past the search's result limit", async () => {
    for (let i = 1; i <= 350; i++) {
      fake.addDeal({ id: String(i), contactIds: [] });
      fake.setStage('deal', String(i), 'closedwon', new Date(since.getTime() + i * 1000));
    }
    const api = new HubspotApiClient({ apiUrl, accessToken: TOKEN, externalIdProperty: 'x' });
    const limited = new HubspotReconcileSource(api, { externalIdProperty: 'x', searchMaxResults: 250 });
    const seen: string[] = [];
    const nexts: (string | undefined)[] = [];
    let next: string | undefined;
    do {
      const page = await limited.page('deal', since, next);
      seen.push(...page.changes.map((change) => change.objectId));
      next = page.next;
      nexts.push(next);
    } while (next);
    // Pages 0 and 100, then a search from deal 200's time (it is read again), paged on from there.
    const restartAt = since.getTime() + 200_000;
    expect(nexts).toEqual(['100', `from:${restartAt}`, `from:${restartAt}/100`, undefined]);
    expect(new Set(seen).size).toBe(350);
    expect(seen.filter((id) => id === '200')).toHaveLength(2);
    const searches = fake.requests().filter((r) => r.path === '/crm/v3/objects/deals/search');
    expect(searches.every((r) => !r.body!.includes('"after":"300"'))).toBe(true);
  });
});
