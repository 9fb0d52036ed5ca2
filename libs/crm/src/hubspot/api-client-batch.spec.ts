import { FakeHubspotApi } from '../../../../test/fakes/hubspot-api';
import { HubspotApiClient, HubspotApiError } from './api-client';

const TOKEN = 'pat-test-hubspot-token';
const DEALS = '/crm/v3/objects/deals/batch/read';
const LINKS = '/crm/v4/associations/deals/contacts/batch/read';
const CONTACTS = '/crm/v3/objects/contacts/batch/read';

describe('HubspotApiClient batch reads (against the local fake)', () => {
  const fake = new FakeHubspotApi({ accessToken: TOKEN, associationsPageSize: 3 });
  let url: string;
  beforeAll(async () => ({ url } = await fake.start()));
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  const client = () =>
    new HubspotApiClient({
      apiUrl: url,
      accessToken: TOKEN,
      externalIdProperty: 'journey_external_id',
      leadIdProperty: 'meta_lead_id',
      maxRetryWaitMs: 0,
    });
  const posts = () => fake.requests().map((r) => [r.method, r.path]);
  const inputsOf = (body?: string) => (JSON.parse(body ?? '{}') as { inputs: unknown[] }).inputs.length;

  it('reads a deal with its value, pipeline, lead id and contacts in two batch requests', async () => {
    fake.addDeal({
      id: '9876',
      pipeline: '122178070',
      dealstage: 'closedwon',
      amount: '5000.50',
      currency: 'usd',
      contactIds: ['201'],
      properties: { amount_in_home_currency: '4600', meta_lead_id: '1234567890123456' },
    });
    await expect(client().deal('9876')).resolves.toEqual({
      id: '9876',
      pipeline: '122178070',
      dealstage: 'closedwon',
      amount: 5000.5,
      currency: 'USD',
      amountInHomeCurrency: 4600,
      leadId: '1234567890123456',
      contactIds: ['201'],
      contactIdsComplete: true,
    });
    const requests = fake.requests();
    expect(requests.map((r) => r.path).sort()).toEqual([DEALS, LINKS]);
    expect(requests.every((r) => r.method === 'POST' && r.headers.authorization === `Bearer ${TOKEN}`)).toBe(
      true,
    );
    expect(JSON.parse(requests.find((r) => r.path === DEALS)!.body!)).toEqual({
      properties: [
        'pipeline',
        'dealstage',
        'amount',
        'deal_currency_code',
        'amount_in_home_currency',
        'meta_lead_id',
      ],
      inputs: [{ id: '9876' }],
    });
    expect(JSON.parse(requests.find((r) => r.path === LINKS)!.body!)).toEqual({ inputs: [{ id: '9876' }] });
  });

  it('reads 250 deals asked for together with 3 + 3 requests; a missing deal is null', async () => {
    for (let i = 0; i < 250; i++) {
      if (i % 50 === 7) continue; // 5 deals HubSpot does not know
      fake.addDeal({ id: String(1000 + i), pipeline: 'default', amount: String(i), contactIds: [String(i)] });
    }
    const api = client();
    const deals = await Promise.all(Array.from({ length: 250 }, (_, i) => api.deal(String(1000 + i))));
    expect(deals.filter((deal) => deal === null)).toHaveLength(5);
    expect(deals[7]).toBeNull();
    expect(deals[8]).toEqual({
      id: '1008',
      pipeline: 'default',
      amount: 8,
      amountInHomeCurrency: 8,
      contactIds: ['8'],
      contactIdsComplete: true,
    });
    const requests = fake.requests();
    // Sizes sorted: the three batches go out side by side and may arrive in any order.
    const sizes = (path: string) =>
      requests
        .filter((r) => r.path === path)
        .map((r) => inputsOf(r.body))
        .sort((a, b) => b - a);
    expect(sizes(DEALS)).toEqual([100, 100, 50]);
    expect(sizes(LINKS)).toEqual([100, 100, 50]);
    expect(requests).toHaveLength(6);
  });

  it('reads a deal without contacts as one with none, and a paged one as incomplete', async () => {
    fake.addDeal({ id: '1', pipeline: 'default', contactIds: [] });
    fake.addDeal({ id: '2', pipeline: 'default', contactIds: ['11', '12', '13', '14'] });
    const api = client();
    const [alone, crowded] = await Promise.all([api.deal('1'), api.deal('2')]);
    expect(alone).toEqual({ id: '1', pipeline: 'default', contactIds: [], contactIdsComplete: true });
    expect(crowded).toMatchObject({ contactIds: ['11', '12', '13'], contactIdsComplete: false });
    await expect(api.associatedContactIds('2')).resolves.toEqual(['11', '12', '13', '14']);
  });

  it('serves a deal from its cache unless the change it is for is newer than the read', async () => {
    fake.addDeal({ id: '5', pipeline: 'default', contactIds: [] });
    const api = client();
    await api.deal('5');
    await api.deal('5', new Date(Date.now() - 60_000));
    expect(fake.requests()).toHaveLength(2);
    fake.addDeal({ id: '5', pipeline: '777', contactIds: [] });
    await expect(api.deal('5', new Date(Date.now() + 60_000))).resolves.toMatchObject({ pipeline: '777' });
    expect(fake.requests()).toHaveLength(4);
  });

  it('fails every deal of a failed batch, and reads them again on the next ask', async () => {
    fake.addDeal({ id: '1', pipeline: 'default', contactIds: [] });
    fake.addDeal({ id: '2', pipeline: 'default', contactIds: [] });
    fake.failNext(1, 500);
    const api = client();
    const failed = await Promise.allSettled([api.deal('1'), api.deal('2')]);
    for (const result of failed) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as HubspotApiError;
      expect(error).toBeInstanceOf(HubspotApiError);
      expect(error.retryable).toBe(true);
    }
    await expect(Promise.all([api.deal('1'), api.deal('2')])).resolves.toHaveLength(2);
    expect(fake.requests()).toHaveLength(4);
  });

  it('reads one property of contacts asked for together in one batch request per 100', async () => {
    for (let i = 0; i < 150; i++) {
      fake.addContact({ id: String(i), properties: { meta_lead_id: i === 3 ? null : ` lead-${i} ` } });
    }
    const api = client();
    const ids = [...Array.from({ length: 150 }, (_, i) => String(i)), 'gone'];
    const values = await Promise.all(ids.map((id) => api.contactProperty(id, 'meta_lead_id')));
    expect(values.slice(0, 5)).toEqual(['lead-0', 'lead-1', 'lead-2', undefined, 'lead-4']);
    expect(values[150]).toBeUndefined();
    expect(posts()).toEqual([
      ['POST', CONTACTS],
      ['POST', CONTACTS],
    ]);
    expect(JSON.parse(fake.requests()[1].body!)).toMatchObject({ properties: ['meta_lead_id'] });
  });
});
