import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeGoogleDataManager } from '../../../../test/fakes/google-data-manager';
import type { GooglePayload } from './build-event';
import { buildIngestRequest, sendGoogleEvents } from './client';
import { DataManagerHttp } from './http';
import { GoogleAccessTokens } from './oauth-token';

const CREDENTIALS = {
  clientId: 'client-123.apps',
  clientSecret: 'secret-xyz',
  refreshToken: '1//refresh-abc',
};
const CUSTOMER = '1234567890';
const LOGIN = '9876543210';
const HASH = 'a'.repeat(64);

const payload = (n: number, conversionActionId = '111', hash = HASH): GooglePayload => ({
  conversionActionId,
  event: {
    transactionId: `crm_${String(n).padStart(40, '0')}`,
    eventTimestamp: '2026-09-01T14:03:00.000Z',
    eventSource: 'OTHER',
    adIdentifiers: { gclid: `Cj0KCQjw-gclid-${n}` },
    conversionValue: 1500,
    currency: 'EUR',
    userData: { userIdentifiers: [{ emailAddress: hash }] },
    consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_STATUS_UNSPECIFIED' },
  },
});

describe('sendGoogleEvents', () => {
  const google = new FakeGoogleDataManager({
    ...CREDENTIALS,
    customerId: CUSTOMER,
    conversionActionIds: ['111', '222'],
  });
  let url: string;
  let tokenUrl: string;
  beforeAll(async () => ({ url, tokenUrl } = await google.start()));
  afterAll(() => google.stop());
  beforeEach(() => google.reset());

  const http = (timeoutMs?: number) =>
    new DataManagerHttp(new GoogleAccessTokens({ ...CREDENTIALS, tokenUrl }), timeoutMs);
  const settings = { customerId: CUSTOMER, loginCustomerId: LOGIN, validateOnly: false };
  const send = (payloads: GooglePayload[], client = http(), base = url, overrides = {}) =>
    sendGoogleEvents(client, base, payloads, { ...settings, ...overrides });
  const ingests = () => google.requests().filter((r) => r.endpoint === 'ingest');
  const tokenCalls = () => google.requests().filter((r) => r.endpoint === 'token');

  it('sends ONE request with a destination per conversion action and the token only in the header', async () => {
    const exchange = await send([payload(1, '111'), payload(2, '222'), payload(3, '111')]);
    expect(exchange.outcome).toEqual({ kind: 'accepted', requestId: expect.any(String) });
    expect(exchange.status).toBe(200);
    expect(ingests()).toHaveLength(1);
    const [request] = ingests();
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/v1/events:ingest');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.bearer).toMatch(/^ya29\.fake-/);
    expect(request.body).toEqual(exchange.requestBody);
    expect(request.body.encoding).toBe('HEX');
    expect(request.body.validateOnly).toBeUndefined();
    expect(request.body.destinations).toEqual([
      {
        operatingAccount: { accountType: 'GOOGLE_ADS', accountId: CUSTOMER },
        loginAccount: { accountType: 'GOOGLE_ADS', accountId: LOGIN },
        productDestinationId: '111',
        reference: 'action-111',
      },
      {
        operatingAccount: { accountType: 'GOOGLE_ADS', accountId: CUSTOMER },
        loginAccount: { accountType: 'GOOGLE_ADS', accountId: LOGIN },
        productDestinationId: '222',
        reference: 'action-222',
      },
    ]);
    const events = request.body.events as { destinationReferences: string[]; transactionId: string }[];
    expect(events.map((e) => e.destinationReferences)).toEqual([
      ['action-111'],
      ['action-222'],
      ['action-111'],
    ]);
    expect(google.events()).toHaveLength(3);
    expect(JSON.stringify(exchange)).not.toContain(request.bearer);
  });

  it('asks Google to validate only in test mode, and leaves out loginAccount when not configured', async () => {
    const exchange = await send([payload(1)], http(), url, {
      validateOnly: true,
      loginCustomerId: undefined,
    });
    expect(exchange.outcome.kind).toBe('accepted');
    expect(ingests()[0].body.validateOnly).toBe(true);
    expect(JSON.stringify(ingests()[0].body)).not.toContain('loginAccount');
    expect(google.events()).toHaveLength(0);
  });

  it('after a 401 refreshes the token once and retries', async () => {
    const client = http();
    await send([payload(1)], client);
    google.expireAccessTokens();
    const exchange = await send([payload(2)], client);
    expect(exchange.outcome.kind).toBe('accepted');
    expect(ingests().map((r) => r.status)).toEqual([200, 401, 200]);
    expect(tokenCalls()).toHaveLength(2);
  });

  it('pauses (config) when the retry after a refresh is refused again', async () => {
    google.failNext('unauthenticated', 2);
    const exchange = await send([payload(1)]);
    expect(exchange.status).toBe(401);
    expect(exchange.outcome).toEqual({ kind: 'config', message: expect.stringContaining('UNAUTHENTICATED') });
    expect(ingests()).toHaveLength(2);
  });

  it('pauses (config) when the refresh token is refused, without calling the API', async () => {
    google.failNext('invalidGrant');
    const exchange = await send([payload(1)]);
    expect(exchange.status).toBe(0);
    expect(exchange.outcome).toEqual({ kind: 'config', message: expect.stringContaining('invalid_grant') });
    expect(ingests()).toHaveLength(0);
  });

  it('pauses on 403 (wrong account) and an unknown conversion action', async () => {
    const wrongAccount = await send([payload(1)], http(), url, { customerId: '1111111111' });
    expect(wrongAccount).toMatchObject({ status: 403, outcome: { kind: 'config' } });
    const unknownAction = await send([payload(1, '999')]);
    expect(unknownAction).toMatchObject({ status: 400, outcome: { kind: 'config' } });
    google.failNext('termsNotSigned');
    expect((await send([payload(1)])).outcome.kind).toBe('config');
  });

  it('retries 429 with Retry-After, 500 and a 503 window', async () => {
    google.failNext('resourceExhausted');
    expect((await send([payload(1)])).outcome).toMatchObject({ kind: 'throttled', retryAfterMs: 30_000 });
    google.failNext('internal');
    expect((await send([payload(1)])).outcome.kind).toBe('transient');
    google.failFor('unavailable', 60_000);
    expect((await send([payload(1)])).outcome.kind).toBe('transient');
    expect((await send([payload(1)])).status).toBe(503);
  });

  it('names the failed event of a refused batch', async () => {
    const exchange = await send([payload(1), payload(2, '111', 'not-hex'), payload(3)]);
    expect(exchange.status).toBe(400);
    expect(exchange.outcome).toEqual({
      kind: 'invalid_event',
      message: expect.stringContaining('INVALID_SHA256_FORMAT'),
      failedIndexes: [1],
    });
    expect(google.events()).toHaveLength(0);
  });

  it('classifies a network error and a timeout as transient, status 0', async () => {
    const refused = await send([payload(1)], http(), 'http://127.0.0.1:1');
    expect(refused).toMatchObject({ status: 0, outcome: { kind: 'transient' } });

    const silent = createServer(() => undefined);
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    try {
      const base = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
      const timedOut = await send([payload(1)], http(200), base);
      expect(timedOut).toMatchObject({
        status: 0,
        outcome: { kind: 'transient', message: 'timeout after 200 ms' },
      });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});

describe('buildIngestRequest', () => {
  const settings = { customerId: CUSTOMER, validateOnly: false };

  it('refuses an empty batch, more than 2,000 events or more than 10 actions', () => {
    expect(() => buildIngestRequest([], settings)).toThrow(RangeError);
    expect(() =>
      buildIngestRequest(
        Array.from({ length: 2001 }, (_, i) => payload(i)),
        settings,
      ),
    ).toThrow(RangeError);
    const actions = Array.from({ length: 11 }, (_, i) => payload(i, String(100 + i)));
    expect(() => buildIngestRequest(actions, settings)).toThrow(RangeError);
  });
});
