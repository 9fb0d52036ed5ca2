import { createHash } from 'node:crypto';
import type { Conversion } from '../conversion';
import {
  type BuildDecision,
  type Destination,
  type DestinationExchange,
  type DestinationOutcome,
  SEND_WINDOW_MS,
  type SendOptions,
} from '../destination';
import { MAX_EVENTS_PER_REQUEST } from '../split-batch';
import { buildCapiEvent, type CapiServerEvent, invalidReason, validateCapiEvent } from './build-event';
import { capiEventId } from './event-id';
import { GraphClient } from './graph-client';
import type { GraphOutcome } from './graph-errors';

export interface MetaSettings {
  pixelId: string;
  accessToken: string;
  graphUrl: string;
  apiVersion: string;
  partnerAgent?: string;
}

/**
 * Meta keeps events up to 7 days; we stop an hour short so a queued event still has time to arrive
 * (same margin as the dispatch gate).
 */
export const META_SEND_WINDOW_MS = SEND_WINDOW_MS.meta;

/** Meta's Conversions API as a Destination: one pixel (dataset), events as CAPI server events. */
export class MetaDestination implements Destination<CapiServerEvent> {
  readonly platform = 'meta' as const;
  readonly displayName = 'Meta';
  readonly maxBatch = MAX_EVENTS_PER_REQUEST;
  readonly accountId: string;
  readonly credentialFingerprint: string;
  readonly sendWindowMs = META_SEND_WINDOW_MS;
  private readonly graph: GraphClient;

  constructor(private readonly settings: MetaSettings) {
    this.accountId = settings.pixelId;
    this.credentialFingerprint = createHash('sha256').update(settings.accessToken).digest('hex');
    this.graph = new GraphClient({
      graphUrl: settings.graphUrl,
      apiVersion: settings.apiVersion,
      partnerAgent: settings.partnerAgent,
    });
  }

  /** Meta takes every event name and always has a key to match on (the hashed external_id). */
  build(conversion: Conversion, now: Date): BuildDecision<CapiServerEvent> {
    if (now.getTime() - conversion.occurredAt.getTime() > META_SEND_WINDOW_MS)
      return { kind: 'skip', reason: "outside Meta's 7-day window" };
    const payload = buildCapiEvent(conversion, { now, ldu: conversion.ldu });
    const invalid = validateCapiEvent(payload, now);
    if (invalid) return { kind: 'skip', reason: invalidReason(invalid) };
    return { kind: 'send', eventId: capiEventId(conversion.objectKey, conversion.eventName), payload };
  }

  validate(payload: CapiServerEvent, now: Date): string | undefined {
    const invalid = validateCapiEvent(payload, now);
    if (invalid === 'event_time_too_old') return 'expired while waiting to be sent (older than 7 days)';
    return invalid ? invalidReason(invalid) : undefined;
  }

  async send(payloads: CapiServerEvent[], options: SendOptions): Promise<DestinationExchange> {
    const exchange = await this.graph.send({
      pixelId: this.settings.pixelId,
      accessToken: this.settings.accessToken,
      events: payloads,
      testEventCode: options.testEventCode,
    });
    return { ...exchange, outcome: fromGraph(exchange.outcome) };
  }
}

function fromGraph(outcome: GraphOutcome): DestinationOutcome {
  if (outcome.kind === 'accepted') return { kind: 'accepted', traceId: outcome.fbtraceId };
  const { kind, message, fbtraceId: traceId } = outcome;
  if (kind === 'invalid_event' || kind === 'config') return { kind, message, traceId };
  return { kind, message, traceId, retryAfterMs: outcome.retryAfterMs };
}
