import { classifyTikTokResponse } from './errors';

const body = (code: number, message = 'x') => ({ code, message, request_id: 'req-1', data: {} });

describe('classifyTikTokResponse', () => {
  it('takes code 0 as accepted, with the request id as trace id', () => {
    expect(classifyTikTokResponse(200, body(0, 'OK'))).toEqual({ kind: 'accepted', traceId: 'req-1' });
  });

  it('classifies by the code TikTok returns with HTTP 200', () => {
    expect(classifyTikTokResponse(200, body(40001)).kind).toBe('config');
    expect(classifyTikTokResponse(200, body(40002, 'Batch.0.event_time: bad')).kind).toBe('invalid_event');
    expect(classifyTikTokResponse(200, body(40100), 3000)).toMatchObject({
      kind: 'throttled',
      retryAfterMs: 3000,
    });
    expect(classifyTikTokResponse(200, body(40105)).kind).toBe('config');
    expect(classifyTikTokResponse(200, body(40102)).kind).toBe('config');
    expect(classifyTikTokResponse(200, body(40700)).kind).toBe('transient');
    expect(classifyTikTokResponse(200, body(51003)).kind).toBe('transient');
    expect(classifyTikTokResponse(200, body(41000)).kind).toBe('unknown');
  });

  it("keeps TikTok's words and says what to fix", () => {
    const outcome = classifyTikTokResponse(200, body(40105, 'Access token is invalid'));
    expect(outcome).toMatchObject({ traceId: 'req-1' });
    expect('message' in outcome && outcome.message).toMatch(
      /^TikTok 40105: Access token is invalid \(.*TIKTOK_ACCESS_TOKEN\)$/,
    );
  });

  it('falls back on the HTTP status when no code came back', () => {
    expect(classifyTikTokResponse(502, 'Bad Gateway').kind).toBe('transient');
    expect(classifyTikTokResponse(0, undefined).kind).toBe('transient');
    expect(classifyTikTokResponse(429, undefined, 1000)).toMatchObject({
      kind: 'throttled',
      retryAfterMs: 1000,
    });
    expect(classifyTikTokResponse(404, { message: 'Not Found' }).kind).toBe('config');
    expect(classifyTikTokResponse(200, {}).kind).toBe('unknown');
  });
});
