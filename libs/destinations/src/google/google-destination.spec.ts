import { createHash } from 'node:crypto';
import { FakeGoogleDataManager } from '../../../../test/fakes/google-data-manager';
import type { Conversion } from '../conversion';
import type { Destination } from '../destination';
import type { GooglePayload } from './build-event';
import { GoogleDestination, type GoogleDestinationConfig } from './google-destination';

const CREDENTIALS = {
  clientId: 'client-123.apps',
  clientSecret: 'secret-xyz',
  refreshToken: '1//refresh-abc',
};
const NOW = new Date('2026-09-10T12:00:00.000Z');

const conversion = (eventName = 'DealWon'): Conversion => ({
  leadEventSource: 'HubSpot',
  objectKey: 'hubspot:deal:42',
  eventName,
  occurredAt: new Date('2026-09-09T12:00:00.000Z'),
  journey: {
    externalId: 'visitor-1',
    hashes: { ph_e164: ['c'.repeat(64)] },
    clickIds: { gclid: { value: 'Cj0KCQjw-gclid-1', clickedAt: new Date('2026-09-01T12:00:00.000Z') } },
  },
});

describe('GoogleDestination', () => {
  const google = new FakeGoogleDataManager({ ...CREDENTIALS, customerId: '1234567890' });
  let config: GoogleDestinationConfig;
  beforeAll(async () => {
    const { url, tokenUrl } = await google.start();
    config = {
      oauth: { ...CREDENTIALS, tokenUrl },
      dataManagerUrl: url,
      customerId: '1234567890',
      conversionActions: { DealWon: '222' },
      validateOnly: false,
    };
  });
  afterAll(() => google.stop());
  beforeEach(() => google.reset());

  it('describes itself as the Destination shape asks', () => {
    const destination: Destination<GooglePayload> = new GoogleDestination(config);
    expect(destination).toMatchObject({
      platform: 'google',
      displayName: 'Google Ads',
      accountId: '1234567890',
      maxBatch: 2000,
    });
    const fingerprint = createHash('sha256')
      .update(`${CREDENTIALS.clientId}\n${CREDENTIALS.refreshToken}`)
      .digest('hex');
    expect(destination.credentialFingerprint).toBe(fingerprint);
    const other = new GoogleDestination({
      ...config,
      oauth: { ...config.oauth, refreshToken: '1//another' },
    });
    expect(other.credentialFingerprint).not.toBe(fingerprint);
  });

  it('refuses to start without credentials or customer id', () => {
    expect(() => new GoogleDestination({ ...config, customerId: undefined })).toThrow(/customer id/);
    expect(
      () => new GoogleDestination({ ...config, oauth: { ...config.oauth, refreshToken: undefined } }),
    ).toThrow();
  });

  it('builds, validates, sends and reads the request status back', async () => {
    const destination = new GoogleDestination(config);
    expect(destination.build(conversion('Churned'), NOW)).toEqual({
      kind: 'skip',
      reason: 'not mapped: no Google conversion action for Churned',
    });
    const decision = destination.build(conversion(), NOW);
    if (decision.kind !== 'send') throw new Error(decision.reason);
    expect(destination.validate(decision.payload, NOW)).toBeUndefined();

    const exchange = await destination.send([decision.payload], {});
    expect(exchange.outcome).toEqual({ kind: 'accepted', requestId: expect.any(String) });
    expect(google.events()).toEqual([expect.objectContaining({ transactionId: decision.eventId })]);

    const requestId = exchange.outcome.kind === 'accepted' ? exchange.outcome.requestId : undefined;
    const status = await destination.retrieveRequestStatus(requestId ?? '');
    expect(status).toMatchObject({ kind: 'status', status: { state: 'SUCCESS' } });
  });

  it('in dry run returns the request it would send and sends nothing', async () => {
    const destination = new GoogleDestination(config, { dryRun: true });
    const decision = destination.build(conversion(), NOW);
    if (decision.kind !== 'send') throw new Error(decision.reason);
    const exchange = await destination.send([decision.payload], {});
    expect(exchange).toMatchObject({
      status: 0,
      outcome: { kind: 'accepted' },
      responseBody: { dryRun: true },
    });
    expect(exchange.requestBody).toMatchObject({
      encoding: 'HEX',
      destinations: [{ productDestinationId: '222' }],
    });
    expect(google.requests()).toHaveLength(0);
  });

  it('sends validateOnly when GOOGLE_VALIDATE_ONLY is set', async () => {
    const destination = new GoogleDestination({ ...config, validateOnly: true });
    const decision = destination.build(conversion(), NOW);
    if (decision.kind !== 'send') throw new Error(decision.reason);
    await destination.send([decision.payload], { testEventCode: 'TEST1' });
    const ingest = google.requests().find((r) => r.endpoint === 'ingest');
    expect(ingest?.body.validateOnly).toBe(true);
    expect(JSON.stringify(ingest?.body)).not.toContain('TEST1');
    expect(google.events()).toHaveLength(0);
  });
});
