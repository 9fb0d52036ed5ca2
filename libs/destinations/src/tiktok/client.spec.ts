import { FakeTikTokApi } from '../../../../test/fakes/tiktok-api';
import type { TikTokEvent } from './build-event';
import { postTikTokEvents } from './client';

const TOKEN = 'tt-secret-access-token-123';
const PIXEL = 'CABCDEFGHIJ1234567';

const event = (n: number): TikTokEvent => ({
  event: 'QualifiedLead',
  event_time: 1_789_898_400,
  event_id: `crm_${String(n).padStart(40, '0')}`,
  user: { email: ['848a771458438fc2ec420560d769fb9b9b86851ee338ec56517baabd79d3bb4f'], external_id: [] },
  properties: { value: 1500, currency: 'EUR' },
});

describe('postTikTokEvents (against the fake TikTok API)', () => {
  const fake = new FakeTikTokApi({ accessToken: TOKEN, eventSourceIds: [PIXEL] });
  let apiUrl: string;

  beforeAll(async () => {
    apiUrl = (await fake.start()).url;
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  const send = (over: Partial<Parameters<typeof postTikTokEvents>[0]> = {}) =>
    postTikTokEvents({
      apiUrl: `${apiUrl}/`,
      accessToken: TOKEN,
      eventSource: 'web',
      eventSourceId: PIXEL,
      events: [event(1), event(2)],
      ...over,
    });

  it('POSTs the batch with the token in the Access-Token header only', async () => {
    const exchange = await send({ testEventCode: 'TEST123' });
    expect(exchange.outcome).toEqual({ kind: 'accepted', traceId: expect.any(String) });
    expect(exchange.status).toBe(200);
    const [request] = fake.requests();
    expect(request.path).toBe('/open_api/v1.3/event/track/');
    expect(request.hadAccessToken).toBe(true);
    expect(request.body).toEqual({
      event_source: 'web',
      event_source_id: PIXEL,
      test_event_code: 'TEST123',
      data: [event(1), event(2)],
    });
    expect(exchange.requestBody).toEqual(request.body);
    expect(JSON.stringify(exchange)).not.toContain(TOKEN);
    expect(fake.events()).toHaveLength(2);
  });

  it("reads TikTok's HTTP-200 errors by code", async () => {
    fake.failNext('invalid');
    expect((await send()).outcome.kind).toBe('invalid_event');
    fake.failNext('throttled');
    expect((await send()).outcome.kind).toBe('throttled');
    fake.failNext('tokenExpired');
    expect((await send()).outcome.kind).toBe('config');
    fake.failNext('internal');
    expect((await send()).outcome.kind).toBe('transient');
    fake.failNext('http500');
    const exchange = await send();
    expect([exchange.status, exchange.outcome.kind]).toEqual([500, 'transient']);
  });

  it('pauses on a wrong token or pixel', async () => {
    expect((await send({ accessToken: 'another-token-xyz' })).outcome.kind).toBe('config');
    const exchange = await send({ eventSourceId: 'COTHERPIXEL00' });
    expect(exchange.outcome).toMatchObject({ kind: 'config', message: expect.stringContaining('40001') });
  });

  it('fails for a while with failFor', async () => {
    fake.failFor('throttled', 60_000);
    expect((await send()).outcome.kind).toBe('throttled');
    expect((await send()).outcome.kind).toBe('throttled');
  });

  it('reports a network error as transient, status 0', async () => {
    const exchange = await send({ apiUrl: 'http://127.0.0.1:1' });
    expect(exchange.status).toBe(0);
    expect(exchange.outcome.kind).toBe('transient');
  });

  it('refuses an empty or oversized batch before sending', async () => {
    await expect(send({ events: [] })).rejects.toThrow(RangeError);
    expect(fake.requests()).toHaveLength(0);
  });
});
