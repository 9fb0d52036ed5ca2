/**
 * TikTok as a destination (destinations.md §2), built from `config.destinations.tiktok`. Web events go to the
 * pixel, TikTok Instant Form leads to the CRM event set when TIKTOK_CRM_EVENT_SET_ID is set.
 */
import { sha256Hex } from '@app/journey';
import type { Conversion } from '../conversion';
import type {
  BuildDecision,
  Destination,
  DestinationExchange,
  DestinationOutcome,
  SendOptions,
} from '../destination';
import {
  buildTikTokEvent,
  validateTikTokEvent,
  type TikTokEventSource,
  type TikTokPayload,
  TIKTOK_WINDOW_MS,
} from './build-event';
import { postTikTokEvents, TIKTOK_MAX_BATCH } from './client';

/** The shape of `config.destinations.tiktok` (structural: this folder does not depend on libs/config). */
export interface TikTokSettings {
  accessToken?: string;
  pixelCode?: string;
  crmEventSetId?: string;
  apiUrl: string;
  testEventCode?: string;
}

export class TikTokDestination implements Destination<TikTokPayload> {
  readonly platform = 'tiktok' as const;
  readonly displayName = 'TikTok';
  readonly maxBatch = TIKTOK_MAX_BATCH;
  readonly accountId: string;
  readonly credentialFingerprint: string;
  readonly sendWindowMs = TIKTOK_WINDOW_MS;
  private readonly accessToken: string;
  private readonly pixelCode: string;

  constructor(
    private readonly settings: TikTokSettings,
    private readonly options: { timeoutMs?: number } = {},
  ) {
    if (!settings.accessToken || !settings.pixelCode) {
      throw new Error('TikTokDestination needs TIKTOK_ACCESS_TOKEN and TIKTOK_PIXEL_CODE');
    }
    this.accessToken = settings.accessToken;
    this.pixelCode = settings.pixelCode;
    this.accountId = settings.pixelCode;
    // The pixel and event set are part of it: a 40001 (no permission on them) is lifted when either changes.
    this.credentialFingerprint = sha256Hex(
      JSON.stringify([settings.accessToken, settings.pixelCode, settings.crmEventSetId ?? '']),
    );
  }

  build(conversion: Conversion, now: Date): BuildDecision<TikTokPayload> {
    return buildTikTokEvent(conversion, { crmEventSetId: this.settings.crmEventSetId }, now);
  }

  validate(payload: TikTokPayload, now: Date): string | undefined {
    if (payload?.source === 'crm' && !this.settings.crmEventSetId) return 'crm_event_set_not_configured';
    return validateTikTokEvent(payload, now);
  }

  /**
   * One request has one event source, so a batch mixing web and CRM events goes as two requests (web
   * first), reported as one exchange: the bodies and answers as arrays, the first outcome that is not
   * `accepted` (the CRM request is not sent after a refused web one). If the CRM request fails after the
   * web one was taken, the whole batch is retried: TikTok keeps the first of the same event_source_id +
   * event + event_id within 48 h, so the web events are not counted twice. The worker can avoid this by
   * batching per `payload.source`; a single-source batch is one plain request.
   */
  async send(payloads: TikTokPayload[], options: SendOptions = {}): Promise<DestinationExchange> {
    if (payloads.length === 0 || payloads.length > this.maxBatch) {
      throw new RangeError(`a TikTok batch carries 1..${this.maxBatch} events, got ${payloads.length}`);
    }
    const groups = (['web', 'crm'] as const)
      .map((source) => ({ source, events: payloads.filter((p) => p.source === source).map((p) => p.event) }))
      .filter((group) => group.events.length > 0);
    const exchanges: DestinationExchange[] = [];
    for (const group of groups) {
      const exchange = await this.sendGroup(group.source, group.events, options);
      exchanges.push(exchange);
      if (exchange.outcome.kind !== 'accepted') break;
    }
    return exchanges.length === 1 ? exchanges[0] : combine(exchanges);
  }

  private async sendGroup(
    source: TikTokEventSource,
    events: TikTokPayload['event'][],
    options: SendOptions,
  ): Promise<DestinationExchange> {
    const eventSourceId = source === 'crm' ? this.settings.crmEventSetId : this.pixelCode;
    if (!eventSourceId) {
      const message = 'CRM events are queued but TIKTOK_CRM_EVENT_SET_ID is not set';
      return {
        requestBody: undefined,
        status: 0,
        responseBody: undefined,
        durationMs: 0,
        outcome: { kind: 'config', message },
      };
    }
    return postTikTokEvents({
      apiUrl: this.settings.apiUrl,
      accessToken: this.accessToken,
      eventSource: source,
      eventSourceId,
      events,
      testEventCode: options.testEventCode ?? this.settings.testEventCode,
      timeoutMs: this.options.timeoutMs,
    });
  }
}

function combine(exchanges: DestinationExchange[]): DestinationExchange {
  const refused = exchanges.find((exchange) => exchange.outcome.kind !== 'accepted');
  const traceIds = exchanges.map((exchange) => exchange.outcome.traceId).filter(Boolean);
  const outcome: DestinationOutcome = refused?.outcome ?? {
    kind: 'accepted',
    traceId: traceIds.join(',') || undefined,
  };
  return {
    requestBody: exchanges.map((exchange) => exchange.requestBody),
    status: (refused ?? exchanges[exchanges.length - 1]).status,
    responseBody: exchanges.map((exchange) => exchange.responseBody),
    durationMs: exchanges.reduce((sum, exchange) => sum + exchange.durationMs, 0),
    outcome,
  };
}
