import { FakeLinkedInApi } from '../../../../test/fakes/linkedin-api';
import type { Conversion } from '../conversion';
import { LinkedInDestination, type LinkedInSettings } from './linkedin-destination';

const TOKEN = 'AQV-linkedin-secret-token';
const OAUTH = { clientId: 'client-123', clientSecret: 'secret-456', refreshToken: 'refresh-789' };
const EM = '848a771458438fc2ec420560d769fb9b9b86851ee338ec56517baabd79d3bb4f';
const NOW = new Date('2026-09-20T10:05:00.000Z');

const conversion: Conversion = {
  leadEventSource: 'HubSpot',
  objectKey: 'hubspot:deal:42',
  eventName: 'DealWon',
  occurredAt: new Date('2026-09-20T10:00:00.000Z'),
  journey: { externalId: 'visitor-1', hashes: { em: [EM] } },
};

describe('LinkedInDestination', () => {
  const fake = new FakeLinkedInApi({ accessToken: TOKEN, oauth: OAUTH });
  let apiUrl: string;
  let tokenUrl: string;

  beforeAll(async () => {
    ({ url: apiUrl, tokenUrl } = await fake.start());
  });
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  const settings = (withRefresh: boolean): LinkedInSettings => ({
    accessToken: TOKEN,
    oauth: withRefresh ? { ...OAUTH, tokenUrl } : { tokenUrl },
    conversionRules: { DealWon: '104013', QualifiedLead: '104012' },
    apiUrl,
    apiVersion: '202610',
  });
  const payload = (d: LinkedInDestination) => {
    const decision = d.build(conversion, NOW);
    if (decision.kind !== 'send') throw new Error(decision.reason);
    return decision.payload;
  };

  it('describes itself from the config section', () => {
    const d = new LinkedInDestination(settings(false));
    expect([d.platform, d.displayName, d.accountId, d.maxBatch]).toEqual([
      'linkedin',
      'LinkedIn',
      'rules:104012,104013',
      5000,
    ]);
    const other = new LinkedInDestination({ ...settings(false), apiVersion: '202611' });
    expect(other.credentialFingerprint).not.toBe(d.credentialFingerprint);
    expect(() => new LinkedInDestination({ ...settings(false), conversionRules: {} })).toThrow(/RULES/);
  });

  it('sends and validates what it builds', async () => {
    const d = new LinkedInDestination(settings(false));
    expect(d.validate(payload(d), NOW)).toBeUndefined();
    expect((await d.send([payload(d)], {})).outcome.kind).toBe('accepted');
  });

  it('refreshes an expired token once, retries, and keeps the new token', async () => {
    const d = new LinkedInDestination(settings(true));
    fake.expireToken();
    const exchange = await d.send([payload(d)], {});
    expect(exchange.outcome.kind).toBe('accepted');
    expect(fake.tokenRequests()).toEqual([
      { form: { grant_type: 'refresh_token', client_id: OAUTH.clientId }, status: 200 },
    ]);
    expect(fake.requests().map((r) => r.status)).toEqual([401, 200]);
    expect(JSON.stringify(exchange)).not.toContain(OAUTH.refreshToken);
    await d.send([payload(d)], {});
    expect(fake.tokenRequests()).toHaveLength(1);
  });

  it('pauses when the token is revoked and the refresh fails too', async () => {
    const d = new LinkedInDestination(settings(true));
    fake.revokeToken();
    const exchange = await d.send([payload(d)], {});
    expect(exchange.outcome).toMatchObject({
      kind: 'config',
      message: expect.stringMatching(/REVOKED_ACCESS_TOKEN.*invalid_grant/),
    });
    expect(fake.requests()).toHaveLength(1);
    expect(JSON.stringify(exchange)).not.toContain(OAUTH.clientSecret);
  });

  it('pauses on a 401 without refresh settings, without trying to refresh', async () => {
    const d = new LinkedInDestination(settings(false));
    fake.expireToken();
    expect((await d.send([payload(d)], {})).outcome.kind).toBe('config');
    expect(fake.tokenRequests()).toHaveLength(0);
  });
});
