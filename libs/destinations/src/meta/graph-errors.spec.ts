import { backoffMs, classifyGraphResponse, retryDelayMs } from './graph-errors';

const graphError = (code: number, subcode?: number, extra: Record<string, unknown> = {}) => ({
  error: {
    message: 'Some message',
    type: 'OAuthException',
    code,
    ...(subcode === undefined ? {} : { error_subcode: subcode }),
    fbtrace_id: 'AbC123',
    ...extra,
  },
});
const kind = (status: number, code: number, subcode?: number, extra?: Record<string, unknown>) =>
  classifyGraphResponse(status, graphError(code, subcode, extra)).kind;

describe('classifyGraphResponse', () => {
  it('accepts a success envelope', () => {
    expect(classifyGraphResponse(200, { events_received: 3, messages: [], fbtrace_id: 'Trace1' })).toEqual({
      kind: 'accepted',
      eventsReceived: 3,
      fbtraceId: 'Trace1',
      messages: [],
    });
    expect(classifyGraphResponse(200, { events_received: 1 })).toEqual({
      kind: 'accepted',
      eventsReceived: 1,
      fbtraceId: undefined,
      messages: [],
    });
  });

  it.each([
    [1, undefined, 'transient'],
    [2, undefined, 'transient'],
    [21009, undefined, 'transient'],
    [4, 1504022, 'throttled'],
    [4, 1504039, 'throttled'],
    [17, 2446079, 'throttled'],
    [32, undefined, 'throttled'],
    [341, undefined, 'throttled'],
    [368, undefined, 'throttled'],
    [613, 1487742, 'throttled'],
    [80000, undefined, 'throttled'],
    [80003, undefined, 'throttled'],
    [80004, undefined, 'throttled'],
    [80014, undefined, 'throttled'],
    [190, 460, 'config'],
    [190, 463, 'config'],
    [102, undefined, 'config'],
    [10, undefined, 'config'],
    [200, undefined, 'config'],
    [294, undefined, 'config'],
    [299, undefined, 'config'],
    [3, undefined, 'config'],
    [100, 33, 'config'],
    [100, 2804003, 'invalid_event'],
    [100, 2804009, 'invalid_event'],
    [100, 2804001, 'invalid_event'],
    [100, 2804007, 'invalid_event'],
    [100, 2804016, 'invalid_event'],
    [100, 2804017, 'invalid_event'],
    [100, 2804019, 'invalid_event'],
    [100, 2804048, 'invalid_event'],
    [100, undefined, 'invalid_event'],
    [80015, undefined, 'unknown'],
    [12345, undefined, 'unknown'],
  ])('code %s subcode %s → %s', (code, subcode, expected) => {
    expect(kind(400, code, subcode)).toBe(expected);
  });

  it('keeps Meta’s message, codes, is_transient and fbtrace_id', () => {
    const outcome = classifyGraphResponse(
      400,
      graphError(100, 2804003, {
        message: 'Invalid parameter',
        is_transient: false,
        error_user_title: 'Event Timestamp Too Old',
        error_user_msg: 'The timestamp for this event is too far in the past.',
      }),
    );
    expect(outcome).toEqual({
      kind: 'invalid_event',
      code: 100,
      subcode: 2804003,
      message:
        'Invalid parameter — Event Timestamp Too Old — The timestamp for this event is too far in the past.',
      fbtraceId: 'AbC123',
      isTransient: false,
    });
  });

  it('honours is_transient for codes it does not know, but not over configuration errors', () => {
    expect(kind(400, 12345, undefined, { is_transient: true })).toBe('transient');
    expect(kind(400, 100, 2804003, { is_transient: true })).toBe('transient');
    expect(kind(400, 190, 460, { is_transient: true })).toBe('config');
  });

  it('falls back on the HTTP status when there is no Graph error body', () => {
    expect(classifyGraphResponse(500, undefined).kind).toBe('transient');
    expect(classifyGraphResponse(502, '<html>Bad gateway</html>').kind).toBe('transient');
    expect(classifyGraphResponse(503, {}).kind).toBe('transient');
    expect(classifyGraphResponse(0, undefined).kind).toBe('transient');
    expect(classifyGraphResponse(429, undefined).kind).toBe('throttled');
    expect(classifyGraphResponse(404, 'Not found').kind).toBe('config');
    expect(classifyGraphResponse(401, undefined).kind).toBe('config');
    expect(classifyGraphResponse(400, 'oops').kind).toBe('unknown');
    expect(classifyGraphResponse(200, { success: true }).kind).toBe('unknown');
    expect(kind(503, 12345)).toBe('transient');
    expect(kind(429, 12345)).toBe('throttled');
  });

  it('reads retry hints from Retry-After and usage headers', () => {
    expect(classifyGraphResponse(429, undefined, { 'Retry-After': '30' })).toMatchObject({
      retryAfterMs: 30_000,
    });
    const usage = JSON.stringify({
      '123': [{ type: 'ads_management', call_count: 100, estimated_time_to_regain_access: 5 }],
    });
    const headers = new Headers({ 'X-Business-Use-Case-Usage': usage });
    expect(classifyGraphResponse(400, graphError(80004), headers)).toMatchObject({
      kind: 'throttled',
      retryAfterMs: 300_000,
    });
    expect(classifyGraphResponse(400, graphError(4), { 'x-app-usage': 'not json' })).not.toHaveProperty(
      'retryAfterMs',
    );
  });
});

describe('backoffMs', () => {
  it('grows exponentially with full jitter and a cap', () => {
    expect(backoffMs(0, () => 0.5)).toBe(500);
    expect(backoffMs(1, () => 0.5)).toBe(1000);
    expect(backoffMs(3, () => 0.5)).toBe(4000);
    expect(backoffMs(20, () => 0.5)).toBe(150_000);
    expect(backoffMs(1000, () => 0.999)).toBeLessThan(300_000);
    expect(backoffMs(5, () => 0)).toBe(0);
    expect(backoffMs(-3, () => 0.5)).toBe(500);
    expect(backoffMs(2, () => 0.5, { baseMs: 100, capMs: 250 })).toBe(125);
  });

  it('stays within bounds for random draws', () => {
    for (let attempt = 0; attempt < 12; attempt++) {
      const value = backoffMs(attempt);
      expect(value).toBeGreaterThanOrEqual(0);
      expect(value).toBeLessThan(Math.min(300_000, 1000 * 2 ** attempt));
    }
  });

  it('never retries sooner than Meta asked', () => {
    const throttled = classifyGraphResponse(429, undefined, { 'retry-after': '60' });
    expect(retryDelayMs(throttled, 0, () => 0.5)).toBe(60_000);
    expect(retryDelayMs(classifyGraphResponse(500, undefined), 2, () => 0.5)).toBe(2000);
  });
});
