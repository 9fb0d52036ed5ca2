import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import {
  GraphClient,
  GraphExchange,
  invalidReason,
  planAfterInvalid,
  validateCapiEvent,
} from '@app/destinations';
import { AppConfig } from '@app/config';
import { MAX_EVENT_AGE_MS } from '@app/journey';
import { CapiEventRepository, QueuedCapiEvent } from '@app/db';
import { MetricsService } from '@app/observability';

/** How a queued event's dispatch ended. `retry` and `paused` leave it queued for later. */
export type DispatchResult =
  | { kind: 'sent' | 'parked' | 'skipped' }
  | { kind: 'retry'; reason: string }
  | { kind: 'paused'; reason: string };

const LINGER_MS = 25;
const MAX_BATCH = 1000;

interface Waiting {
  id: string;
  resolve: (result: DispatchResult) => void;
}

/**
 * Collects the dispatch jobs running at the same moment into one Graph request per destination (a burst
 * of changes becomes a few requests), then settles each job with its event's outcome. A batch Meta rejects
 * as invalid is halved until the bad event is alone; it is parked and the others still go. Each stored payload
 * is validated first (a replay may carry one built by an older version): an invalid one is parked `invalid`
 * and left out of the request, so it never costs its batch a rejection.
 */
@Injectable()
export class CapiBatcher {
  private readonly logger = new Logger(CapiBatcher.name);
  private readonly pending = new Map<
    string,
    { waiting: Waiting[]; byId: Map<string, Waiting>; timer?: NodeJS.Timeout }
  >();
  private readonly tokenFingerprint: string;

  constructor(
    private readonly config: AppConfig,
    private readonly graph: GraphClient,
    private readonly events: CapiEventRepository,
    private readonly metrics: MetricsService,
  ) {
    this.tokenFingerprint = createHash('sha256')
      .update(config.meta.accessToken ?? '')
      .digest('hex');
  }

  submit(destination: string, capiEventId: string): Promise<DispatchResult> {
    return new Promise((resolve) => {
      const slot = this.pending.get(destination) ?? { waiting: [], byId: new Map<string, Waiting>() };
      this.pending.set(destination, slot);
      // Two jobs carrying the same event at once (a reconciler re-add racing the original) share one send.
      const same = slot.byId.get(capiEventId);
      if (same) {
        const first = same.resolve;
        same.resolve = (result) => {
          first(result);
          resolve(result);
        };
        return;
      }
      const entry = { id: capiEventId, resolve };
      slot.waiting.push(entry);
      slot.byId.set(capiEventId, entry);
      if (slot.waiting.length >= MAX_BATCH) this.flush(destination);
      else slot.timer ??= setTimeout(() => this.flush(destination), LINGER_MS);
    });
  }

  private flush(destination: string): void {
    const slot = this.pending.get(destination);
    if (!slot) return;
    this.pending.delete(destination);
    if (slot.timer) clearTimeout(slot.timer);
    void this.dispatch(destination, slot.waiting).catch((error: Error) => {
      this.logger.error(`dispatch to ${destination} failed: ${error.message}`);
      for (const waiting of slot.waiting) waiting.resolve({ kind: 'retry', reason: error.message });
    });
  }

  private async dispatch(destination: string, waiting: Waiting[]): Promise<void> {
    // Checked once per batch, not per job: a destination paused by a configuration error (under the current
    // token) holds all its events.
    const pause = await this.events.activePause(destination, this.tokenFingerprint);
    if (pause) return waiting.forEach((entry) => entry.resolve({ kind: 'paused', reason: pause.reason }));
    const rows = await this.events.byIds(waiting.map((entry) => entry.id));
    const byId = new Map(rows.map((row) => [row.id, row]));
    // Meta refuses a whole request for one event older than 7 days: one that aged while waiting (a paused
    // destination, long retries) is parked as expired instead of sent.
    const oldest = (Date.now() - MAX_EVENT_AGE_MS) / 1000;
    const now = new Date();
    const sendable: Waiting[] = [];
    for (const entry of waiting) {
      const row = byId.get(entry.id);
      const invalid = row && validateCapiEvent(row.payload, now);
      if (row?.status !== 'queued') {
        entry.resolve({ kind: 'skipped' });
      } else if (Number(row.payload.event_time) < oldest) {
        await this.events.markParked(
          entry.id,
          'expired while waiting to be sent (older than 7 days)',
          null,
          'expired',
        );
        entry.resolve({ kind: 'parked' });
      } else if (invalid) {
        await this.events.markParked(entry.id, invalidReason(invalid), null, 'invalid');
        this.metrics.capi.events.inc({ outcome: 'invalid' });
        entry.resolve({ kind: 'parked' });
      } else sendable.push(entry);
    }
    // Test events go in their own requests: test_event_code applies to a whole request.
    const groups = new Map<string, Waiting[]>();
    for (const entry of sendable) {
      const code = byId.get(entry.id)!.test_event_code ?? '';
      groups.set(code, [...(groups.get(code) ?? []), entry]);
    }
    await Promise.all(
      [...groups].map(([code, group]) => this.send(destination, group, byId, code || undefined)),
    );
  }

  private async send(
    destination: string,
    group: Waiting[],
    rows: Map<string, QueuedCapiEvent>,
    testEventCode?: string,
  ): Promise<void> {
    const exchange = await this.graph.send({
      pixelId: destination,
      accessToken: this.config.meta.accessToken!,
      events: group.map((entry) => rows.get(entry.id)!.payload),
      testEventCode,
    });
    const requestId = await this.record(destination, group.length, exchange);
    const ids = group.map((entry) => entry.id);
    const { outcome } = exchange;
    this.metrics.capi.requests.inc({ outcome: outcome.kind });
    this.metrics.capi.latency.observe(exchange.durationMs / 1000);
    switch (outcome.kind) {
      case 'accepted':
        await this.events.markSent(ids, requestId);
        this.metrics.capi.events.inc({ outcome: 'sent' }, ids.length);
        return group.forEach((entry) => entry.resolve({ kind: 'sent' }));
      case 'invalid_event': {
        const plan = planAfterInvalid(group);
        if (plan.kind === 'split') {
          for (const part of plan.parts) await this.send(destination, part, rows, testEventCode);
          return;
        }
        await this.events.markParked(plan.item.id, `Meta refused the event: ${outcome.message}`, requestId);
        this.metrics.capi.events.inc({ outcome: 'parked' });
        return plan.item.resolve({ kind: 'parked' });
      }
      case 'config':
        await this.events.pause(destination, this.tokenFingerprint, outcome.message);
        this.logger.error(`destination ${destination} paused: ${outcome.message}`);
        await this.events.markAttempt(ids, `destination paused: ${outcome.message}`);
        return group.forEach((entry) => entry.resolve({ kind: 'paused', reason: outcome.message }));
      default:
        await this.events.markAttempt(ids, `${outcome.kind}: ${outcome.message}`);
        return group.forEach((entry) =>
          entry.resolve({ kind: 'retry', reason: `${outcome.kind}: ${outcome.message}` }),
        );
    }
  }

  private record(destination: string, eventCount: number, exchange: GraphExchange): Promise<string> {
    const { outcome } = exchange;
    return this.events.recordRequest({
      destination,
      eventCount,
      requestBody: exchange.requestBody,
      responseStatus: exchange.status,
      responseBody: exchange.responseBody,
      outcome: outcome.kind,
      fbtraceId: outcome.fbtraceId,
      durationMs: exchange.durationMs,
    });
  }
}
