// Self-tests of the local Graph and HubSpot fakes, with plain fetch.
import { HubspotApiClient } from '@app/crm/hubspot/api-client';
import { FakeGraphApi } from './graph-api';
import { FakeHubspotApi } from './hubspot-api';

const event = (id: string, extra: Record<string, unknown> = {}) => ({
  event_name: 'DealWon',
  event_time: Math.floor(Date.now() / 1000),
  event_id: id,
  action_source: 'system_generated',
  user_data: { em: ['a'.repeat(64)] },
  ...extra,
});

describe('FakeGraphApi', () => {
  const graph = new FakeGraphApi({ accessToken: 'graph-token', pixelIds: ['123'] });
  let url: string;
  beforeAll(async () => ({ url } = await graph.start()));
  afterAll(() => graph.stop());
  beforeEach(() => graph.reset());

  const postJson = (body: unknown, path = '/v24.0/123/events', headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('accepts a JSON body with the token in the body and records it without the token', async () => {
    const res = await postJson({
      data: [event('e1'), event('e2')],
      access_token: 'graph-token',
      test_event_code: 'TEST1',
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ events_received: 2, messages: [], fbtrace_id: expect.any(String) });
    expect(graph.events().map((e) => e.event_id)).toEqual(['e1', 'e2']);
    const [req] = graph.requests();
    expect(req).toMatchObject({ version: 'v24.0', pixelId: '123', testEventCode: 'TEST1', status: 200 });
    expect(req.hadAccessToken).toBe(true);
    expect(req.tokenSource).toBe('body');
    expect(req.accessToken).toBe('graph-token');
    expect(JSON.stringify({ ...req, accessToken: undefined })).not.toContain('graph-token');
  });

  it('accepts a form body with data as a JSON string and the token in the query', async () => {
    const form = new URLSearchParams({ data: JSON.stringify([event('f1')]) });
    const res = await fetch(`${url}/v24.0/123/events?access_token=graph-token`, {
      method: 'POST',
      body: form,
    });
    expect(res.status).toBe(200);
    const [req] = graph.requests();
    expect(req.tokenSource).toBe('query');
    expect(req.query).toEqual({});
    expect(req.data.map((e) => e.event_id)).toEqual(['f1']);
  });

  it('accepts multipart form data, data elements as JSON strings, and a Bearer header', async () => {
    const form = new FormData();
    form.append('data', JSON.stringify([JSON.stringify(event('m1'))]));
    const res = await fetch(`${url}/v24.0/123/events`, {
      method: 'POST',
      headers: { authorization: 'Bearer graph-token' },
      body: form,
    });
    expect(res.status).toBe(200);
    const [req] = graph.requests();
    expect(req.tokenSource).toBe('header');
    expect(req.headers.authorization).toBeUndefined();
    expect(graph.events()[0].event_id).toBe('m1');
  });

  it('refuses a missing token (104), a wrong token (190) and an unknown pixel (100/33)', async () => {
    const missing = await postJson({ data: [event('x')] });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { code: number } }).error.code).toBe(104);
    const wrong = await postJson({ data: [event('x')], access_token: 'nope' });
    expect(wrong.status).toBe(400);
    expect(((await wrong.json()) as { error: { code: number } }).error.code).toBe(190);
    const pixel = await postJson({ data: [event('x')], access_token: 'graph-token' }, '/v24.0/999/events');
    expect(((await pixel.json()) as { error: unknown }).error).toMatchObject({
      code: 100,
      error_subcode: 33,
    });
    expect(graph.events()).toEqual([]);
  });

  it('plays scripted failures in order with Meta error envelopes, then succeeds', async () => {
    graph.failNext(1, '500');
    graph.failNext(1, '429');
    graph.failNext(1, 'token190');
    graph.failNext(1, 'tooOld2804003');
    graph.failNext(1, 'unknownPixel');
    const answers: { status: number; error: Record<string, unknown> }[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await postJson({ data: [event(`s${i}`)] }, '/v24.0/123/events', {
        authorization: 'Bearer graph-token',
      });
      answers.push({ status: res.status, ...((await res.json()) as { error: Record<string, unknown> }) });
    }
    expect(answers.map((a) => [a.status, a.error.code, a.error.error_subcode, a.error.is_transient])).toEqual(
      [
        [500, 2, undefined, true],
        [429, 4, 1504022, true],
        [401, 190, undefined, undefined],
        [400, 100, 2804003, false],
        [400, 100, 33, undefined],
      ],
    );
    for (const a of answers)
      expect(a.error).toMatchObject({ message: expect.any(String), fbtrace_id: expect.any(String) });
    expect(answers[3].error.error_user_title).toBe('Event Timestamp Too Old');
    const ok = await postJson({ data: [event('ok')], access_token: 'graph-token' });
    expect(ok.status).toBe(200);
    expect(graph.events().map((e) => e.event_id)).toEqual(['ok']);
  });

  it('rejects a whole batch holding a matching event, so a client can split it', async () => {
    graph.rejectEventsWhere((e) => e.event_id === 'bad');
    const batch = await postJson({ data: [event('good'), event('bad')], access_token: 'graph-token' });
    expect(batch.status).toBe(400);
    const { error } = (await batch.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ code: 100, error_subcode: 2804003, is_transient: false });
    expect(graph.events()).toEqual([]);
    expect((await postJson({ data: [event('good')], access_token: 'graph-token' })).status).toBe(200);
    graph.rejectEventsWhere((e) => e.event_id === 'good', { subcode: 2804009, userTitle: 'Missing value' });
    const custom = (await (
      await postJson({ data: [event('good')], access_token: 'graph-token' })
    ).json()) as {
      error: Record<string, unknown>;
    };
    expect(custom.error).toMatchObject({ error_subcode: 2804009, error_user_title: 'Missing value' });
    expect(graph.events().map((e) => e.event_id)).toEqual(['good']);
    expect(graph.requests().map((r) => r.status)).toEqual([400, 200, 400]);
  });

  it('refuses a missing data parameter and unknown paths', async () => {
    expect((await postJson({ access_token: 'graph-token' })).status).toBe(400);
    expect((await postJson({ data: [], access_token: 'graph-token' })).status).toBe(400);
    const other = await fetch(`${url}/v24.0/123/other`, { method: 'POST' });
    expect(((await other.json()) as { error: { code: number } }).error.code).toBe(2500);
  });
});

describe('FakeHubspotApi', () => {
  const hubspot = new FakeHubspotApi({ accessToken: 'hs-token', associationsPageSize: 2 });
  let url: string;
  const auth = { authorization: 'Bearer hs-token' };
  beforeAll(async () => ({ url } = await hubspot.start()));
  afterAll(() => hubspot.stop());
  beforeEach(() => {
    hubspot.reset();
    hubspot.addContact({ id: '201', email: 'ann@example.com', phone: '+15550100', externalId: 'ext-1' });
    hubspot.addDeal({
      id: '9876',
      pipeline: 'default',
      dealstage: 'closedwon',
      contactIds: ['201', '202', '203'],
    });
  });
  const get = (path: string, headers: Record<string, string> = auth) => fetch(`${url}${path}`, { headers });

  it('pages v4 associations with paging.next.after', async () => {
    const first = (await (
      await get('/crm/v4/objects/deals/9876/associations/contacts?limit=500')
    ).json()) as {
      results: { toObjectId: number }[];
      paging?: { next: { after: string; link: string } };
    };
    expect(first.results.map((r) => r.toObjectId)).toEqual([201, 202]);
    expect(first.paging?.next.after).toBe('2');
    const second = (await (await get(`/crm/v4/objects/deals/9876/associations/contacts?after=2`)).json()) as {
      results: { toObjectId: number }[];
      paging?: unknown;
    };
    expect(second.results.map((r) => r.toObjectId)).toEqual([203]);
    expect(second.paging).toBeUndefined();
  });

  it('answers v3 reads with the requested properties (null when unset)', async () => {
    const res = await get(
      '/crm/v3/objects/contacts/201?properties=email,phone,mobilephone,journey_external_id',
    );
    const body = (await res.json()) as { id: string; properties: Record<string, string | null> };
    expect(body.id).toBe('201');
    expect(body.properties).toMatchObject({
      email: 'ann@example.com',
      phone: '+15550100',
      mobilephone: null,
      journey_external_id: 'ext-1',
    });
    const deal = (await (
      await get('/crm/v3/objects/deals/9876?properties=pipeline&associations=contacts')
    ).json()) as {
      properties: Record<string, string>;
      associations: { contacts: { results: { id: string }[] } };
    };
    expect(deal.properties.pipeline).toBe('default');
    expect(deal.associations.contacts.results).toHaveLength(3);
    expect((await get('/crm/v3/objects/contacts/404')).status).toBe(404);
  });

  it('records requests with their auth header and refuses a wrong token', async () => {
    expect((await get('/crm/v3/objects/deals/9876', { authorization: 'Bearer other' })).status).toBe(401);
    expect((await get('/crm/v3/objects/deals/9876', {})).status).toBe(401);
    await get('/crm/v3/objects/deals/9876?properties=pipeline');
    expect(hubspot.requests().map((r) => [r.path, r.headers.authorization])).toEqual([
      ['/crm/v3/objects/deals/9876', 'Bearer other'],
      ['/crm/v3/objects/deals/9876', undefined],
      ['/crm/v3/objects/deals/9876', 'Bearer hs-token'],
    ]);
    expect(hubspot.requests()[2].query).toEqual({ properties: 'pipeline' });
  });

  it('fails the next N requests as told, with Retry-After when given', async () => {
    hubspot.failNext(1, 429, { retryAfter: '2' });
    hubspot.failNext(1, 500);
    const limited = await get('/crm/v3/objects/contacts/201');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect(((await limited.json()) as { errorType: string }).errorType).toBe('RATE_LIMIT');
    expect((await get('/crm/v3/objects/contacts/201')).status).toBe(500);
    expect((await get('/crm/v3/objects/contacts/201')).status).toBe(200);
  });

  it('answers HubspotApiClient as HubSpot would', async () => {
    hubspot.addDeal({ id: '77', contactIds: ['1', '2', '3', '4', '5'] });
    const api = new HubspotApiClient({
      apiUrl: url,
      accessToken: 'hs-token',
      externalIdProperty: 'journey_external_id',
    });
    await expect(api.associatedContactIds('77')).resolves.toEqual(['1', '2', '3', '4', '5']);
    await expect(api.contact('201')).resolves.toEqual({
      id: '201',
      email: 'ann@example.com',
      phone: '+15550100',
      externalId: 'ext-1',
    });
    await expect(api.deal('9876')).resolves.toMatchObject({ id: '9876', pipeline: 'default' });
    hubspot.addDeal({ id: '78', amount: '5000', currency: 'EUR', pipeline: '123', contactIds: ['201'] });
    await expect(api.deal('78')).resolves.toEqual({
      id: '78',
      pipeline: '123',
      amount: 5000,
      currency: 'EUR',
      contactIds: ['201'],
      contactIdsComplete: true,
    });
    await expect(api.companyCurrency()).resolves.toBe('USD');
    await expect(api.contact('999')).resolves.toBeNull();
    // A short Retry-After is waited out once; a second 429 in a row is the caller's to retry.
    hubspot.failNext(1, 429, { retryAfter: '0.1' });
    await expect(api.contact('201')).resolves.toMatchObject({ id: '201' });
    hubspot.failNext(2, 429, { retryAfter: '0.1' });
    await expect(api.contact('201')).rejects.toMatchObject({ retryable: true, retryAfterMs: 100 });
    const wrong = new HubspotApiClient({ apiUrl: url, accessToken: 'bad', externalIdProperty: 'x' });
    await expect(wrong.deal('9876')).rejects.toMatchObject({ status: 401, retryable: false });
  });
});
