import { FakeHubspotApi } from './hubspot-api';

type Batch = {
  status: string;
  results: {
    id?: string;
    properties?: Record<string, string | null>;
    from?: { id: string };
    to?: unknown[];
  }[];
  numErrors?: number;
  errors?: { category: string; context: Record<string, string[]> }[];
  paging?: unknown;
};

describe('FakeHubspotApi batch reads', () => {
  const hubspot = new FakeHubspotApi({ accessToken: 'hs-token', associationsPageSize: 2 });
  let url: string;
  beforeAll(async () => ({ url } = await hubspot.start()));
  afterAll(() => hubspot.stop());
  beforeEach(() => {
    hubspot.reset();
    hubspot.addDeal({ id: '9876', pipeline: 'default', amount: '10', contactIds: ['201', '202', '203'] });
    hubspot.addDeal({ id: '9877', pipeline: 'default', contactIds: [] });
  });
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${url}${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer hs-token', 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Batch };
  };

  it('reads deals by id: 200 when all exist, 207 listing the missing ids', async () => {
    const all = await post('/crm/v3/objects/deals/batch/read', {
      properties: ['pipeline', 'amount'],
      inputs: [{ id: '9876' }],
    });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      status: 'COMPLETE',
      results: [{ id: '9876', properties: { pipeline: 'default', amount: '10' } }],
    });
    expect(all.body.errors).toBeUndefined();
    const some = await post('/crm/v3/objects/deals/batch/read', {
      properties: ['pipeline'],
      inputs: [{ id: '9876' }, { id: '404' }],
    });
    expect(some.status).toBe(207);
    expect(some.body.results.map((r) => r.id)).toEqual(['9876']);
    expect(some.body.numErrors).toBe(1);
    expect(some.body.errors).toMatchObject([{ category: 'OBJECT_NOT_FOUND', context: { ids: ['404'] } }]);
    expect(hubspot.requests().map((r) => [r.method, r.path])).toEqual([
      ['POST', '/crm/v3/objects/deals/batch/read'],
      ['POST', '/crm/v3/objects/deals/batch/read'],
    ]);
  });

  it('reads v4 deal→contact associations by deal, paged per deal, 207 for deals without any', async () => {
    const path = '/crm/v4/associations/deals/contacts/batch/read';
    const first = await post(path, { inputs: [{ id: '9876' }, { id: '9877' }, { id: '404' }] });
    expect(first.status).toBe(207);
    expect(first.body.results).toEqual([
      {
        from: { id: '9876' },
        to: [201, 202].map((toObjectId) => ({
          toObjectId,
          associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }],
        })),
        paging: { next: { after: '2' } },
      },
    ]);
    expect(first.body.errors?.map((e) => e.context.fromObjectId)).toEqual([['9877'], ['404']]);
    const next = await post(path, { inputs: [{ id: '9876', after: '2' }] });
    expect(next.status).toBe(200);
    expect(next.body.results).toMatchObject([{ from: { id: '9876' }, to: [{ toObjectId: 203 }] }]);
  });

  it('refuses more than 100 inputs and a body that is not JSON', async () => {
    const inputs = Array.from({ length: 101 }, (_, i) => ({ id: String(i) }));
    expect((await post('/crm/v3/objects/deals/batch/read', { properties: [], inputs })).status).toBe(400);
    expect((await post('/crm/v4/associations/deals/contacts/batch/read', { inputs })).status).toBe(400);
    const res = await fetch(`${url}/crm/v3/objects/contacts/batch/read`, {
      method: 'POST',
      headers: { authorization: 'Bearer hs-token' },
      body: '{',
    });
    expect(res.status).toBe(400);
  });
});
