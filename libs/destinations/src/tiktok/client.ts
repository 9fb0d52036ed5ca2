/**
 * Sends one batch to TikTok: `POST {apiUrl}/open_api/v1.3/event/track/` with `Access-Token: <token>` (no
 * Bearer) and `{event_source, event_source_id, test_event_code?, data}` (destinations.md §2). The exchange
 * keeps the body as sent (the token travels only in the header, so it is never in it) and the classified
 * answer; nothing throws for an answer.
 */
import type { DestinationExchange } from '../destination';
import { exchangeOf, postJson, retryAfterMs } from '../post-json';
import type { TikTokEvent, TikTokEventSource } from './build-event';
import { classifyTikTokResponse } from './errors';

export const TIKTOK_MAX_BATCH = 1000;
export const TIKTOK_TRACK_PATH = '/open_api/v1.3/event/track/';

export interface TikTokRequest {
  apiUrl: string;
  accessToken: string;
  eventSource: TikTokEventSource;
  /** The pixel code (web) or the CRM event set id (crm). */
  eventSourceId: string;
  events: TikTokEvent[];
  testEventCode?: string;
  /** Whole-exchange timeout, default 10 s. */
  timeoutMs?: number;
}

export interface TikTokRequestBody {
  event_source: TikTokEventSource;
  event_source_id: string;
  test_event_code?: string;
  data: TikTokEvent[];
}

export async function postTikTokEvents(request: TikTokRequest): Promise<DestinationExchange> {
  const count = request.events.length;
  if (count === 0 || count > TIKTOK_MAX_BATCH) {
    throw new RangeError(`a TikTok request carries 1..${TIKTOK_MAX_BATCH} events, got ${count}`);
  }
  const requestBody: TikTokRequestBody = {
    event_source: request.eventSource,
    event_source_id: request.eventSourceId,
    ...(request.testEventCode ? { test_event_code: request.testEventCode } : {}),
    data: request.events,
  };
  const result = await postJson({
    url: `${request.apiUrl.replace(/\/+$/, '')}${TIKTOK_TRACK_PATH}`,
    headers: { 'Access-Token': request.accessToken },
    body: JSON.stringify(requestBody),
    timeoutMs: request.timeoutMs ?? 10_000,
    secrets: [request.accessToken],
  });
  return exchangeOf(requestBody, result, (answer) =>
    classifyTikTokResponse(answer.status, answer.body, retryAfterMs(answer.headers)),
  );
}
