/**
 * The shape every ad platform folder (meta/, google/, tiktok/, linkedin/) implements. The worker knows only
 * this: it asks each configured destination to build its event from the same Conversion, stores the
 * decision per destination, and sends batches through `send`. Knows nothing of CRMs.
 */
import type { Conversion } from './conversion';

export const PLATFORMS = ['meta', 'google', 'tiktok', 'linkedin'] as const;
export type Platform = (typeof PLATFORMS)[number];

/**
 * What the platform answered, classified by its own documented error codes (never by HTTP status alone):
 * - `accepted`: taken (Google: accepted for processing; `requestId` reads the outcome back later);
 *   `rejectedIndexes` names events the platform refused inside an accepted batch (LinkedIn's batch 200
 *   answers a status per element): the others were taken, those are not and should not be resent as is;
 * - `invalid_event`: the request was refused for its events; `failedIndexes` names them when the platform
 *   says which (LinkedIn's 422), else the batch is halved until the bad event is alone;
 * - `config`: credentials or account set-up are wrong: the destination pauses until its credentials change;
 * - `transient` / `throttled` / `unknown`: retried with back-off (`retryAfterMs` when the platform says).
 */
export type DestinationOutcome =
  | {
      kind: 'accepted';
      traceId?: string;
      requestId?: string;
      rejectedIndexes?: { index: number; message: string }[];
    }
  | { kind: 'invalid_event'; message: string; traceId?: string; failedIndexes?: number[] }
  | { kind: 'config'; message: string; traceId?: string }
  | { kind: 'transient' | 'throttled' | 'unknown'; message: string; traceId?: string; retryAfterMs?: number };

/** One request and its answer, kept for audit (hashed keys only, never a token). */
export interface DestinationExchange {
  /** What was sent (the JSON body), for the audit log. */
  requestBody: unknown;
  /** HTTP status; 0 when no answer came (network error, timeout). */
  status: number;
  responseBody: unknown;
  durationMs: number;
  outcome: DestinationOutcome;
}

/** A destination's decision for one conversion: an event to send, or why none is sent. */
export type BuildDecision<P> =
  { kind: 'send'; eventId: string; payload: P } | { kind: 'skip'; reason: string };

export interface SendOptions {
  /** Test mode for this request (Meta/TikTok test_event_code); a platform without one ignores it. */
  testEventCode?: string;
}

export interface Destination<P = unknown> {
  readonly platform: Platform;
  /** For people: "Meta", "Google Ads", "TikTok", "LinkedIn". */
  readonly displayName: string;
  /** The account events go to (pixel id, Google Ads customer id, TikTok pixel code, LinkedIn "rules"). */
  readonly accountId: string;
  /** How old (since the stage change) an event may be when sent (Meta 7 days, TikTok 28, Google/LinkedIn 90). */
  readonly sendWindowMs: number;
  /** At most this many events per request. */
  readonly maxBatch: number;
  /** sha256 of the credentials in use: a pause made under other credentials is lifted. */
  readonly credentialFingerprint: string;
  /**
   * The platform's event for this conversion, or why none is sent: event name not mapped for it, outside
   * its send window, nothing it can match on. Pure: no I/O.
   */
  build(conversion: Conversion, now: Date): BuildDecision<P>;
  /** Re-checks a stored payload before it is sent (a replay may carry one built by an older version). */
  validate(payload: P, now: Date): string | undefined;
  /** Sends one batch (≤ maxBatch); never throws for an answer, only classifies it. */
  send(payloads: P[], options: SendOptions): Promise<DestinationExchange>;
}

const DAY_MS = 86_400_000;
/** Each platform's send window (the destination classes hold the same; the api needs it without them). */
export const SEND_WINDOW_MS: Readonly<Record<Platform, number>> = {
  meta: 7 * DAY_MS - 3_600_000,
  google: 90 * DAY_MS,
  tiktok: 28 * DAY_MS,
  linkedin: 90 * DAY_MS,
};
