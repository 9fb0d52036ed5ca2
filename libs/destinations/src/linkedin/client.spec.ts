import { FakeLinkedInApi } from '../../../../test/fakes/linkedin-api';
import type { LinkedInEvent } from './build-event';
import { postLinkedInEvents } from './client';

const TOKEN = 'AQV-linkedin-secret-token';
const EM = '848a771458438fc2ec420560d769fb9b9b86851ee338ec56517baabd79d3bb4f';

const event = (n: number, ruleId = '104012'): LinkedInEvent => ({
  conversion: `urn:lla:llaPartnerConversion:${ruleId}`,
  conversionHappenedAt: 1_789_898_400_000,
  eventId: `crm_${String(n).padStart(40, '0')}`,
  user: { userIds: [{ idType: 'SHA256_EMAIL', idValue: EM }] },
});

describe('postLinkedInEvents (against the fake LinkedIn API)', () => {
  const fake = new FakeLinkedInApi({ accessToken: TOKEN, sunsetVersions: ['202401'] });
  let apiUrl: string;

  beforeAll(async () => {
    apiUrl = (await fake.start()).url;
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  const send = (over: Partial<Parameters<typeof postLinkedInEvents>[0]> = {}) =>
    postLinkedInEvents({
      apiUrl: `${apiUrl}/`,
      apiVersion: '202610',
      accessToken: TOKEN,
      events: [event(1), event(2)],
      ...over,
    });

  it('POSTs a BATCH_CREATE with the pinned version, the token only in the header', async () => {
    const exchange = await send();
    expect(exchange.outcome).toEqual({ kind: 'accepted', traceId: expect.any(String) });
    expect(exchange.responseBody).toEqual({ elements: [{ status: 201 }, { status: 201 }] });
    const [request] = fake.requests();
    expect(request.path).toBe('/rest/conversionEvents');
    expect(request.hadBearer).toBe(true);
    expect(request.headers).toMatchObject({
      'linkedin-version': '202610',
      'x-restli-protocol-version': '2.0.0',
      'x-restli-method': 'BATCH_CREATE',
    });
    expect(request.body).toEqual({ elements: [event(1), event(2)] });
    expect(JSON.stringify(exchange)).not.toContain(TOKEN);
  });

  it('names the failing elements of a 422', async () => {
    fake.rejectElementsWhere((element) => element.eventId === event(2).eventId);
    const exchange = await send({ events: [event(1), event(2), event(3, 'x')] });
    expect(exchange.status).toBe(422);
    expect(exchange.outcome).toMatchObject({ kind: 'invalid_event', failedIndexes: [1, 2] });
    expect(fake.events()).toHaveLength(0);
  });

  it('reports elements refused inside a batch 200 on the accepted outcome', async () => {
    fake.rejectElementsWhere((element) => element.eventId === event(1).eventId, 'element');
    const exchange = await send();
    expect(exchange.outcome).toMatchObject({
      kind: 'accepted',
      rejectedIndexes: [{ index: 0, message: expect.any(String) }],
    });
    expect(fake.events()).toEqual([event(2)]);
  });

  it('classifies auth, version, throttling and server answers', async () => {
    expect((await send({ accessToken: 'another-token-1' })).outcome).toMatchObject({
      kind: 'config',
      message: expect.stringContaining('INVALID_ACCESS_TOKEN 65600'),
    });
    fake.revokeToken();
    expect((await send()).outcome).toMatchObject({
      kind: 'config',
      message: expect.stringContaining('REVOKED_ACCESS_TOKEN'),
    });
    fake.reset();
    expect((await send({ apiVersion: '202401' })).outcome).toMatchObject({
      kind: 'config',
      message: expect.stringContaining('sunset'),
    });
    fake.failNext('forbidden');
    expect((await send()).outcome.kind).toBe('config');
    fake.failNext('throttled');
    expect((await send()).outcome).toMatchObject({ kind: 'throttled', retryAfterMs: 2000 });
    fake.failFor('server', 60_000);
    expect((await send()).outcome.kind).toBe('transient');
    expect((await send()).outcome.kind).toBe('transient');
  });

  it('reports a network error as transient, status 0', async () => {
    const exchange = await send({ apiUrl: 'http://127.0.0.1:1' });
    expect([exchange.status, exchange.outcome.kind]).toEqual([0, 'transient']);
  });
});
