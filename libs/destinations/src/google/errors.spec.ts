import { googleError } from '../../../../test/fakes/google-data-manager-answers';
import { classifyDataManagerResponse, eventIndexes, readGoogleError } from './errors';

const invalid = (reason: string, fields: string[] = []) =>
  googleError(
    400,
    'INVALID_ARGUMENT',
    'Request contains an invalid argument.',
    reason,
    fields.map((field) => ({ field, description: 'bad' })),
  );

describe('classifyDataManagerResponse', () => {
  it('accepts a 200 with its requestId', () => {
    expect(classifyDataManagerResponse(200, { requestId: 'req-1' })).toEqual({
      kind: 'accepted',
      requestId: 'req-1',
    });
    expect(classifyDataManagerResponse(200, {})).toEqual({ kind: 'accepted' });
  });

  it('retries 429 (throttled, Retry-After honoured) and 500/503/504 (transient)', () => {
    const headers = new Headers({ 'retry-after': '30' });
    const quota = googleError(429, 'RESOURCE_EXHAUSTED', 'Quota exceeded', 'RATE_LIMIT_EXCEEDED');
    expect(classifyDataManagerResponse(429, quota, headers)).toEqual({
      kind: 'throttled',
      message: expect.stringContaining('RESOURCE_EXHAUSTED'),
      retryAfterMs: 30_000,
    });
    for (const status of [500, 503, 504]) {
      expect(classifyDataManagerResponse(status, googleError(status, 'UNAVAILABLE', 'down')).kind).toBe(
        'transient',
      );
    }
    expect(classifyDataManagerResponse(502, 'Bad Gateway').kind).toBe('transient');
  });

  it('pauses on 401, 403, terms not signed and invalid conversion actions', () => {
    expect(classifyDataManagerResponse(401, googleError(401, 'UNAUTHENTICATED', 'no')).kind).toBe('config');
    expect(classifyDataManagerResponse(403, googleError(403, 'PERMISSION_DENIED', 'no')).kind).toBe('config');
    for (const reason of [
      'TERMS_AND_CONDITIONS_NOT_SIGNED',
      'INVALID_CONVERSION_ACTION_ID',
      'INVALID_CONVERSION_ACTION_TYPE',
    ]) {
      const outcome = classifyDataManagerResponse(400, invalid(reason));
      expect(outcome).toEqual({ kind: 'config', message: expect.stringContaining(reason) });
    }
  });

  it('drops other 400s as invalid events, naming the failed indexes when Google does', () => {
    expect(
      classifyDataManagerResponse(
        400,
        invalid('INVALID_SHA256_FORMAT', [
          'events[3].user_data.user_identifiers[0]',
          'events[1].event_timestamp',
        ]),
      ),
    ).toEqual({
      kind: 'invalid_event',
      message: expect.stringContaining('events[3].user_data.user_identifiers[0]: bad'),
      failedIndexes: [1, 3],
    });
    expect(classifyDataManagerResponse(400, invalid('INVALID_FORMAT'))).toEqual({
      kind: 'invalid_event',
      message: 'INVALID_ARGUMENT INVALID_FORMAT — Request contains an invalid argument.',
    });
  });

  it('treats a network failure as transient and anything else as unknown', () => {
    expect(classifyDataManagerResponse(0, undefined).kind).toBe('transient');
    expect(classifyDataManagerResponse(409, googleError(409, 'ABORTED', 'conflict')).kind).toBe('unknown');
  });
});

describe('readGoogleError', () => {
  it('reads status, reasons and field violations; undefined for a non-envelope', () => {
    expect(readGoogleError(invalid('INVALID_FORMAT', ['events[0]']))).toEqual({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: 'Request contains an invalid argument.',
      reasons: ['INVALID_FORMAT'],
      fieldViolations: [{ field: 'events[0]', description: 'bad' }],
    });
    expect(readGoogleError({ requestId: 'x' })).toBeUndefined();
    expect(readGoogleError('text')).toBeUndefined();
  });
});

describe('eventIndexes', () => {
  it('reads events[N], events.events[N] and events.N, sorted and unique', () => {
    const fields = [
      'events.events[7].gclid',
      'events[2]',
      'events.2.consent',
      'destinations[0]',
      'myevents[9]',
    ];
    expect(eventIndexes(fields.map((field) => ({ field })))).toEqual([2, 7]);
  });
});
