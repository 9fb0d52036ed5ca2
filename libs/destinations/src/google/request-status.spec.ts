import { FakeGoogleDataManager } from '../../../../test/fakes/google-data-manager';
import type { GooglePayload } from './build-event';
import { sendGoogleEvents } from './client';
import { DataManagerHttp } from './http';
import { GoogleAccessTokens } from './oauth-token';
import { parseRequestStatus, retrieveRequestStatus } from './request-status';

const CREDENTIALS = {
  clientId: 'client-123.apps',
  clientSecret: 'secret-xyz',
  refreshToken: '1//refresh-abc',
};
const payload = (n: number, conversionActionId = '111'): GooglePayload => ({
  conversionActionId,
  event: {
    transactionId: `crm_${n}`,
    eventTimestamp: '2026-09-01T14:03:00.000Z',
    eventSource: 'OTHER',
    adIdentifiers: { gclid: `Cj0KCQjw-gclid-${n}` },
    consent: { adUserData: 'CONSENT_GRANTED', adPersonalization: 'CONSENT_GRANTED' },
  },
});

describe('retrieveRequestStatus', () => {
  const google = new FakeGoogleDataManager(CREDENTIALS);
  let url: string;
  let http: DataManagerHttp;
  beforeAll(async () => {
    const started = await google.start();
    url = started.url;
    http = new DataManagerHttp(new GoogleAccessTokens({ ...CREDENTIALS, tokenUrl: started.tokenUrl }));
  });
  afterAll(() => google.stop());
  beforeEach(() => google.reset());

  const sendAndGetId = async (payloads: GooglePayload[], validateOnly = false) => {
    const exchange = await sendGoogleEvents(http, url, payloads, { customerId: '1234567890', validateOnly });
    if (exchange.outcome.kind !== 'accepted' || !exchange.outcome.requestId) throw new Error('not accepted');
    return exchange.outcome.requestId;
  };

  it('GETs the status of an accepted request: SUCCESS', async () => {
    const requestId = await sendAndGetId([payload(1), payload(2)]);
    const answer = await retrieveRequestStatus(http, `${url}/`, requestId);
    expect(answer).toMatchObject({
      kind: 'status',
      httpStatus: 200,
      status: {
        state: 'SUCCESS',
        errors: [],
        destinations: [{ conversionActionId: '111', state: 'SUCCESS', recordCount: 2 }],
      },
    });
    const request = google.requests().find((r) => r.endpoint === 'status');
    expect(request?.method).toBe('GET');
    expect(request?.query).toEqual({ requestId });
    expect(request?.bearer).toMatch(/^ya29\./);
  });

  it('reads PARTIAL_SUCCESS with error counts per reason, prefix removed, counts as numbers', async () => {
    google.nextRequestStatus({
      requestStatus: 'PARTIAL_SUCCESS',
      errorCounts: [
        { reason: 'PROCESSING_ERROR_REASON_EVENT_TOO_OLD', recordCount: 2 },
        { reason: 'PROCESSING_ERROR_REASON_INVALID_GCLID', recordCount: 1 },
      ],
    });
    const requestId = await sendAndGetId([payload(1, '111'), payload(2, '222'), payload(3, '111')]);
    const answer = await retrieveRequestStatus(http, url, requestId);
    if (answer.kind !== 'status') throw new Error(answer.outcome.message);
    expect(answer.status.state).toBe('PARTIAL_SUCCESS');
    // The fake reports the same counts for both destinations: summed over them.
    expect(answer.status.errors).toEqual([
      { reason: 'EVENT_TOO_OLD', count: 4 },
      { reason: 'INVALID_GCLID', count: 2 },
    ]);
    expect(answer.status.destinations.map((d) => d.conversionActionId)).toEqual(['111', '222']);
  });

  it('reports an unknown or validate-only request id as an error that asking again will not fix', async () => {
    const requestId = await sendAndGetId([payload(1)], true);
    const answer = await retrieveRequestStatus(http, url, requestId);
    expect(answer).toMatchObject({
      kind: 'error',
      httpStatus: 400,
      outcome: { kind: 'invalid_event', message: expect.stringContaining('INVALID_REQUEST_ID') },
    });
  });

  it('reports a 5xx as transient', async () => {
    google.failNext('internal');
    expect(await retrieveRequestStatus(http, url, 'x')).toMatchObject({
      kind: 'error',
      outcome: { kind: 'transient' },
    });
  });
});

describe('parseRequestStatus', () => {
  const entry = (requestStatus: string, errorCounts: unknown[] = []) => ({
    destination: { productDestinationId: '111' },
    requestStatus,
    errorInfo: { errorCounts },
    eventsIngestionStatus: { recordCount: '12' },
  });

  it('is the worst state of the destinations, PROCESSING while any still is', () => {
    const state = (...states: string[]) =>
      parseRequestStatus({ requestStatusPerDestination: states.map((s) => entry(s)) })?.state;
    expect(state('SUCCESS', 'SUCCESS')).toBe('SUCCESS');
    expect(state('SUCCESS', 'PROCESSING')).toBe('PROCESSING');
    expect(state('FAILED', 'FAILED')).toBe('FAILED');
    expect(state('SUCCESS', 'FAILED')).toBe('PARTIAL_SUCCESS');
    expect(state('REQUEST_STATUS_UNKNOWN')).toBe('PROCESSING');
  });

  it('reads int64 strings and ignores what it cannot read', () => {
    const status = parseRequestStatus({
      requestStatusPerDestination: [
        entry('FAILED', [{ reason: 'PROCESSING_ERROR_REASON_DENIED_CONSENT', recordCount: '3' }, {}]),
      ],
    });
    expect(status?.destinations[0]).toEqual({
      conversionActionId: '111',
      state: 'FAILED',
      recordCount: 12,
      errors: [{ reason: 'DENIED_CONSENT', count: 3 }],
    });
    expect(parseRequestStatus({})).toBeUndefined();
    expect(parseRequestStatus({ requestStatusPerDestination: [] })).toBeUndefined();
  });
});
