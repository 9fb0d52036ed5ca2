import { FakeGoogleDataManager } from '../../../../test/fakes/google-data-manager';
import { classifyTokenFailure, GoogleAccessTokens, GoogleTokenError } from './oauth-token';

const CREDENTIALS = {
  clientId: 'client-123.apps',
  clientSecret: 'secret-xyz',
  refreshToken: '1//refresh-abc',
};

describe('GoogleAccessTokens', () => {
  const google = new FakeGoogleDataManager({ ...CREDENTIALS, accessTokenTtlS: 3600 });
  let tokenUrl: string;
  beforeAll(async () => ({ tokenUrl } = await google.start()));
  afterAll(() => google.stop());
  beforeEach(() => google.reset());

  const tokens = (overrides: Partial<typeof CREDENTIALS> = {}, clock?: () => number) =>
    new GoogleAccessTokens({ ...CREDENTIALS, ...overrides, tokenUrl }, { clock });
  const tokenRequests = () => google.requests().filter((r) => r.endpoint === 'token');

  it('posts the refresh-token grant form-encoded and returns the access token', async () => {
    const token = await tokens().get();
    expect(token).toMatch(/^ya29\.fake-/);
    const [request] = tokenRequests();
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.body).toEqual({
      grant_type: 'refresh_token',
      client_id: CREDENTIALS.clientId,
      client_secret: '[redacted]',
      refresh_token: '[redacted]',
    });
  });

  it('caches the token until shortly before it expires', async () => {
    let now = 1_000_000;
    const source = tokens({}, () => now);
    const first = await source.get();
    now += 50 * 60_000;
    expect(await source.get()).toBe(first);
    now += 6 * 60_000; // 56 min: inside the 5-minute margin before the hour
    expect(await source.get()).not.toBe(first);
    expect(tokenRequests()).toHaveLength(2);
  });

  it('shares one refresh between concurrent callers', async () => {
    const source = tokens();
    const all = await Promise.all([source.get(), source.get(), source.get(), source.get()]);
    expect(new Set(all).size).toBe(1);
    expect(tokenRequests()).toHaveLength(1);
  });

  it('refreshes after a rejection once, even when several callers saw the same rejected token', async () => {
    const source = tokens();
    const rejected = await source.get();
    const [a, b] = await Promise.all([
      source.refreshAfterRejection(rejected),
      source.refreshAfterRejection(rejected),
    ]);
    expect(a).toBe(b);
    expect(a).not.toBe(rejected);
    expect(await source.refreshAfterRejection(rejected)).toBe(a);
    expect(tokenRequests()).toHaveLength(2);
  });

  it('classifies invalid_grant as config (pause), with the re-authorise hint', async () => {
    google.failNext('invalidGrant');
    const error = await tokens()
      .get()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GoogleTokenError);
    expect((error as GoogleTokenError).status).toBe(400);
    expect((error as GoogleTokenError).outcome).toEqual({
      kind: 'config',
      message: expect.stringContaining('invalid_grant'),
    });
    expect((error as GoogleTokenError).message).toContain('GOOGLE_OAUTH_REFRESH_TOKEN');
  });

  it('classifies a wrong client (401 invalid_client) as config and a 5xx as transient', async () => {
    await expect(tokens({ clientSecret: 'wrong' }).get()).rejects.toMatchObject({
      outcome: { kind: 'config' },
      status: 401,
    });
    google.failNext('tokenServerError');
    await expect(tokens().get()).rejects.toMatchObject({ outcome: { kind: 'transient' }, status: 500 });
  });

  it('a failed refresh is not cached: the next call tries again', async () => {
    const source = tokens();
    google.failNext('tokenServerError');
    await expect(source.get()).rejects.toBeInstanceOf(GoogleTokenError);
    await expect(source.get()).resolves.toMatch(/^ya29\./);
  });

  it('classifies a network failure as transient and never shows the secrets', async () => {
    const source = new GoogleAccessTokens({ ...CREDENTIALS, tokenUrl: 'http://127.0.0.1:1/token' });
    const error = (await source.get().catch((e: unknown) => e)) as GoogleTokenError;
    expect(error.outcome.kind).toBe('transient');
    expect(error.status).toBe(0);
    expect(error.message).not.toContain(CREDENTIALS.clientSecret);
    expect(error.message).not.toContain(CREDENTIALS.refreshToken);
  });
});

describe('classifyTokenFailure', () => {
  it('maps the token endpoint answers', () => {
    expect(classifyTokenFailure(429, undefined).kind).toBe('throttled');
    expect(classifyTokenFailure(503, undefined).kind).toBe('transient');
    expect(classifyTokenFailure(400, { error: 'invalid_grant' }).kind).toBe('config');
    expect(classifyTokenFailure(400, { error: 'invalid_scope' }).kind).toBe('config');
    expect(classifyTokenFailure(200, {}).kind).toBe('unknown');
  });
});
