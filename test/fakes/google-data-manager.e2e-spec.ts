// Self-tests of the local Google token endpoint and Data Manager API fake, with plain fetch (its own file:
// fakes.e2e-spec.ts is near the size limit).
import { FakeGoogleDataManager } from './google-data-manager';

const CREDENTIALS = { clientId: 'client-1.apps', clientSecret: 'secret-1', refreshToken: '1//refresh-1' };

describe('FakeGoogleDataManager', () => {
  const google = new FakeGoogleDataManager({ ...CREDENTIALS, customerId: '1234567890' });
  let url: string;
  let tokenUrl: string;
  beforeAll(async () => ({ url, tokenUrl } = await google.start()));
  afterAll(() => google.stop());
  beforeEach(() => google.reset());

  const token = async (refreshToken = CREDENTIALS.refreshToken) => {
    const form = new URLSearchParams({
      grant_type: 'refresh_token',
      client_id: CREDENTIALS.clientId,
      client_secret: CREDENTIALS.clientSecret,
      refresh_token: refreshToken,
    });
    return fetch(tokenUrl, { method: 'POST', body: form });
  };
  const accessToken = async () => ((await (await token()).json()) as { access_token: string }).access_token;
  const ingest = (bearer: string, body: unknown) =>
    fetch(`${url}/v1/events:ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const body = (
    events: Record<string, unknown>[] = [
      { eventTimestamp: '2026-09-01T00:00:00Z', adIdentifiers: { gclid: 'g1' } },
    ],
  ) => ({
    destinations: [
      {
        operatingAccount: { accountType: 'GOOGLE_ADS', accountId: '1234567890' },
        productDestinationId: '111',
        reference: 'a',
      },
    ],
    encoding: 'HEX',
    events: events.map((event) => ({ ...event, destinationReferences: ['a'] })),
  });

  it('issues tokens for the refresh-token grant, refuses an unknown refresh token, records no secret', async () => {
    const ok = await token();
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      access_token: expect.stringMatching(/^ya29\./),
      expires_in: 3599,
    });
    const refused = await token('1//other');
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: 'invalid_grant', error_description: expect.any(String) });
    expect(JSON.stringify(google.requests())).not.toContain(CREDENTIALS.clientSecret);
    expect(JSON.stringify(google.requests())).not.toContain(CREDENTIALS.refreshToken);
  });

  it('accepts events with a requestId whose status reads back, and refuses a bad bearer or hash', async () => {
    const bearer = await accessToken();
    expect((await ingest('nope', body())).status).toBe(401);
    const accepted = await ingest(bearer, body());
    const { requestId } = (await accepted.json()) as { requestId: string };
    expect(google.events()).toHaveLength(1);
    const status = await fetch(`${url}/v1/requestStatus:retrieve?requestId=${requestId}`, {
      headers: { authorization: `Bearer ${bearer}` },
    });
    expect(await status.json()).toMatchObject({
      requestStatusPerDestination: [
        { requestStatus: 'SUCCESS', eventsIngestionStatus: { recordCount: '1' } },
      ],
    });
    const bad = await ingest(
      bearer,
      body([
        { eventTimestamp: '2026-09-01T00:00:00Z', userData: { userIdentifiers: [{ emailAddress: 'x' }] } },
      ]),
    );
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: {
        status: 'INVALID_ARGUMENT',
        details: [
          { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'INVALID_SHA256_FORMAT' },
          { fieldViolations: [{ field: 'events[0].user_data.user_identifiers[0]' }] },
        ],
      },
    });
    const [first] = google.requests().filter((r) => r.endpoint === 'ingest');
    expect(first.headers.authorization).toBeUndefined();
  });

  it('plays scripted failures: failNext in order per endpoint, failFor for a while', async () => {
    const bearer = await accessToken();
    google.failNext('resourceExhausted');
    google.failNext('invalidGrant');
    const limited = await ingest(bearer, body());
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('30');
    expect((await token()).status).toBe(400);
    expect((await ingest(bearer, body())).status).toBe(200);
    google.failFor('internal', 60_000);
    expect((await ingest(bearer, body())).status).toBe(500);
    expect((await ingest(bearer, body())).status).toBe(500);
  });
});
