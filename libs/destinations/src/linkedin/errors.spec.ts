import { classifyLinkedInResponse, failingIndexes } from './errors';

const context = { apiVersion: '202510', traceId: 'uuid-1' };

describe('classifyLinkedInResponse', () => {
  it('takes a batch 200 as accepted, naming elements refused inside it', () => {
    expect(classifyLinkedInResponse(200, { elements: [{ status: 201 }, { status: 201 }] }, context)).toEqual({
      kind: 'accepted',
      traceId: 'uuid-1',
    });
    const partial = { elements: [{ status: 201 }, { status: 400, error: { message: 'bad rule' } }] };
    expect(classifyLinkedInResponse(200, partial, context)).toEqual({
      kind: 'accepted',
      traceId: 'uuid-1',
      rejectedIndexes: [{ index: 1, message: 'LinkedIn element status 400: bad rule' }],
    });
    expect(classifyLinkedInResponse(201, undefined, context)).toEqual({
      kind: 'accepted',
      traceId: 'uuid-1',
    });
  });

  it('reads the failing indexes of a 422', () => {
    const message =
      'Index: 2, ERROR :: /user/userInfo/firstName :: field is required\nIndex: 0, ERROR :: /conversion :: bad\nIndex: 2, ERROR :: x\n';
    expect(classifyLinkedInResponse(422, { status: 422, message }, context)).toMatchObject({
      kind: 'invalid_event',
      failedIndexes: [0, 2],
    });
    expect(classifyLinkedInResponse(422, { message: 'no index here' }, context)).not.toHaveProperty(
      'failedIndexes',
    );
    expect(classifyLinkedInResponse(400, { message: 'bad' }, context).kind).toBe('invalid_event');
  });

  it('pauses on token, permission and version problems, naming the fix', () => {
    const revoked = {
      status: 401,
      serviceErrorCode: 65601,
      code: 'REVOKED_ACCESS_TOKEN',
      message: 'revoked',
    };
    const outcome = classifyLinkedInResponse(401, revoked, context);
    expect(outcome.kind).toBe('config');
    expect('message' in outcome && outcome.message).toMatch(
      /REVOKED_ACCESS_TOKEN 65601: revoked \(.*consent/,
    );
    const invalid = {
      status: 401,
      serviceErrorCode: 65600,
      code: 'INVALID_ACCESS_TOKEN',
      message: 'Invalid',
    };
    expect(classifyLinkedInResponse(401, invalid, context)).toMatchObject({
      kind: 'config',
      message: expect.stringContaining('65600'),
    });
    expect(classifyLinkedInResponse(403, {}, context).kind).toBe('config');
    expect(classifyLinkedInResponse(426, {}, context)).toMatchObject({
      kind: 'config',
      message: expect.stringContaining('LINKEDIN_API_VERSION 202510 is sunset: set a newer one'),
    });
  });

  it('retries throttling and server errors', () => {
    expect(classifyLinkedInResponse(429, {}, { ...context, retryAfterMs: 2000 })).toMatchObject({
      kind: 'throttled',
      retryAfterMs: 2000,
    });
    expect(classifyLinkedInResponse(503, 'unavailable', context).kind).toBe('transient');
    expect(classifyLinkedInResponse(0, undefined, context).kind).toBe('transient');
    expect(classifyLinkedInResponse(409, {}, context).kind).toBe('unknown');
  });
});

describe('failingIndexes', () => {
  it('is empty without a message', () => {
    expect(failingIndexes(undefined)).toEqual([]);
  });
});
