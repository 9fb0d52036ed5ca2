/**
 * Sends one batch to LinkedIn: `POST {apiUrl}/rest/conversionEvents` as BATCH_CREATE `{elements}` with a
 * Bearer token and the pinned `LinkedIn-Version` (destinations.md §3). The exchange keeps the body as sent
 * (the token travels only in the header) and the classified answer; nothing throws for an answer.
 */
import type { DestinationExchange } from '../destination';
import { exchangeOf, postJson, retryAfterMs } from '../post-json';
import type { LinkedInEvent } from './build-event';
import { classifyLinkedInResponse } from './errors';

/** [U] LinkedIn documents no batch limit; 5,000 is what integrations use. */
export const LINKEDIN_MAX_BATCH = 5000;
export const LINKEDIN_EVENTS_PATH = '/rest/conversionEvents';

export interface LinkedInRequest {
  apiUrl: string;
  /** YYYYMM. */
  apiVersion: string;
  accessToken: string;
  events: LinkedInEvent[];
  /** Whole-exchange timeout, default 10 s. */
  timeoutMs?: number;
}

export async function postLinkedInEvents(request: LinkedInRequest): Promise<DestinationExchange> {
  const count = request.events.length;
  if (count === 0 || count > LINKEDIN_MAX_BATCH) {
    throw new RangeError(`a LinkedIn request carries 1..${LINKEDIN_MAX_BATCH} events, got ${count}`);
  }
  const requestBody = { elements: request.events };
  const result = await postJson({
    url: `${request.apiUrl.replace(/\/+$/, '')}${LINKEDIN_EVENTS_PATH}`,
    headers: {
      Authorization: `Bearer ${request.accessToken}`,
      'LinkedIn-Version': request.apiVersion,
      'X-Restli-Protocol-Version': '2.0.0',
      'X-RestLi-Method': 'BATCH_CREATE',
    },
    body: JSON.stringify(requestBody),
    timeoutMs: request.timeoutMs ?? 10_000,
    secrets: [request.accessToken],
  });
  return exchangeOf(requestBody, result, (answer) =>
    classifyLinkedInResponse(answer.status, answer.body, {
      apiVersion: request.apiVersion,
      retryAfterMs: retryAfterMs(answer.headers),
      traceId: answer.headers.get('x-li-uuid') ?? undefined,
    }),
  );
}
