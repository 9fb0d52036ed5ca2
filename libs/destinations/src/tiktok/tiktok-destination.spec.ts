import { FakeTikTokApi } from '../../../../test/fakes/tiktok-api';
import type { Conversion } from '../conversion';
import type { TikTokPayload } from './build-event';
import { TikTokDestination } from './tiktok-destination';

const TOKEN = 'tt-secret-access-token-123';
const PIXEL = 'CABCDEFGHIJ1234567';
const CRM_SET = '7300000000001';
const EM = '848a771458438fc2ec420560d769fb9b9b86851ee338ec56517baabd79d3bb4f';
const NOW = new Date('2026-09-20T10:05:00.000Z');

const conversion = (objectKey: string, leadId?: string): Conversion => ({
  leadEventSource: 'HubSpot',
  objectKey,
  eventName: 'QualifiedLead',
  occurredAt: new Date('2026-09-20T10:00:00.000Z'),
  journey: { externalId: 'visitor-1', hashes: { em: [EM] }, leadId },
});

describe('TikTokDestination', () => {
  const fake = new FakeTikTokApi({ accessToken: TOKEN, eventSourceIds: [PIXEL, CRM_SET] });
  let apiUrl: string;

  beforeAll(async () => {
    apiUrl = (await fake.start()).url;
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  const destination = (crmEventSetId: string | undefined) =>
    new TikTokDestination({ accessToken: TOKEN, pixelCode: PIXEL, crmEventSetId, apiUrl });
  const payloads = (d: TikTokDestination, ...items: Conversion[]) =>
    items.map((item) => {
      const decision = d.build(item, NOW);
      if (decision.kind !== 'send') throw new Error(decision.reason);
      return decision.payload;
    });

  it('describes itself from the config section', () => {
    const d = destination(CRM_SET);
    expect([d.platform, d.displayName, d.accountId, d.maxBatch]).toEqual(['tiktok', 'TikTok', PIXEL, 1000]);
    expect(d.credentialFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(d.credentialFingerprint).not.toBe(destination(undefined).credentialFingerprint);
    expect(() => new TikTokDestination({ apiUrl, pixelCode: PIXEL })).toThrow(/TIKTOK_ACCESS_TOKEN/);
  });

  it('sends a single-source batch as one request', async () => {
    const d = destination(CRM_SET);
    const exchange = await d.send(payloads(d, conversion('a'), conversion('b')), { testEventCode: 'T1' });
    expect(exchange.outcome.kind).toBe('accepted');
    expect(fake.requests()).toHaveLength(1);
    expect(fake.requests()[0].body).toMatchObject({
      event_source: 'web',
      event_source_id: PIXEL,
      test_event_code: 'T1',
    });
  });

  it('splits web and CRM events into two requests and reports them as one exchange', async () => {
    const d = destination(CRM_SET);
    const batch = payloads(d, conversion('a', '7301234567890123456'), conversion('b'));
    const exchange = await d.send(batch, {});
    expect(exchange.outcome.kind).toBe('accepted');
    expect(fake.requests().map((r) => [r.body.event_source, r.body.event_source_id, r.data.length])).toEqual([
      ['web', PIXEL, 1],
      ['crm', CRM_SET, 1],
    ]);
    expect(exchange.requestBody).toHaveLength(2);
    expect(exchange.responseBody).toHaveLength(2);
  });

  it('does not send the CRM request after the web one was refused', async () => {
    const d = destination(CRM_SET);
    fake.failNext('invalid');
    const exchange = await d.send(payloads(d, conversion('a', '7301234567890123456'), conversion('b')), {});
    expect(exchange.outcome.kind).toBe('invalid_event');
    expect(fake.requests()).toHaveLength(1);
  });

  it('refuses a stored CRM payload once the CRM event set is no longer configured', () => {
    const crm = payloads(destination(CRM_SET), conversion('a', '7301234567890123456'))[0] as TikTokPayload;
    expect(destination(undefined).validate(crm, NOW)).toBe('crm_event_set_not_configured');
    expect(destination(CRM_SET).validate(crm, NOW)).toBeUndefined();
  });
});
