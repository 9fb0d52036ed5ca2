import {
  CircuitBreaker,
  type Destination,
  type DestinationExchange,
  planAfterInvalid,
} from '@app/destinations';
import type { DispatchRepository, QueuedDispatch } from '@app/db';
import type { destinationMetrics } from '@app/observability/pipeline-metrics';

/** How a queued dispatch ended. `retry` and `paused` leave it queued for later. */
export type DispatchResult =
  | { kind: 'sent' | 'parked' | 'skipped' }
  | { kind: 'retry'; reason: string }
  | { kind: 'paused'; reason: string; forMs?: number };

/** A dispatch job's event waiting for its batch's outcome. */
export interface Waiting {
  id: string;
  resolve: (result: DispatchResult) => void;
}

export type DispatchSenderStore = Pick<
  DispatchRepository,
  'activePause' | 'byIds' | 'markParked' | 'markSent' | 'markAttempt' | 'pause' | 'recordRequest'
>;

export interface DispatchSenderDeps {
  dispatches: DispatchSenderStore;
  metrics: ReturnType<typeof destinationMetrics>;
  /** DRY_RUN_DESTINATIONS: record what would be sent instead of sending. */
  dryRun: boolean;
  /** Logs a destination paused by a configuration error. */
  onPaused: (message: string) => void;
}

/**
 * Sends one destination's batch and settles each waiting job with its event's outcome. A batch the platform
 * rejects as invalid loses the events it names, or is halved until the bad event is alone; that one is parked
 * and the others still go. Each stored payload is validated first (a replay may carry one built by an older
 * version). Each destination has its own pause (configuration errors, lifted by new credentials) and circuit
 * breaker (repeated failures), so one platform's trouble never holds another's events. Plain class: the
 * dispatcher's unit tests drive it with in-memory repositories.
 */
export class DispatchSender {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(private readonly deps: DispatchSenderDeps) {}

  private breaker(platform: string): CircuitBreaker {
    let breaker = this.breakers.get(platform);
    if (!breaker) this.breakers.set(platform, (breaker = new CircuitBreaker()));
    return breaker;
  }

  async dispatch(destination: Destination, waiting: Waiting[]): Promise<void> {
    const key = { platform: destination.platform, destination: destination.accountId };
    // Checked once per batch, not per job: a destination paused by a configuration error (under the current
    // credentials) holds all its events; an open circuit holds them until its cool-down ends.
    const pause = await this.deps.dispatches.activePause(key, destination.credentialFingerprint);
    if (pause) return waiting.forEach((entry) => entry.resolve({ kind: 'paused', reason: pause.reason }));
    const waitMs = this.breaker(destination.platform).waitMs();
    if (waitMs > 0) {
      const reason = `${destination.displayName} circuit open after repeated failures`;
      return waiting.forEach((entry) => entry.resolve({ kind: 'paused', reason, forMs: waitMs }));
    }
    const rows = await this.deps.dispatches.byIds(waiting.map((entry) => entry.id));
    const byId = new Map(rows.map((row) => [row.id, row]));
    const now = new Date();
    const sendable: Waiting[] = [];
    for (const entry of waiting) {
      const row = byId.get(entry.id);
      if (row?.status !== 'queued' || row.payload === null) {
        entry.resolve({ kind: 'skipped' });
        continue;
      }
      // An event that aged past the platform's window while waiting (a pause, long retries) or that an older
      // version built wrongly is parked instead of costing its batch a rejection.
      const invalid = destination.validate(row.payload, now);
      if (invalid) {
        const expired = /expired|too_old/.test(invalid);
        await this.deps.dispatches.markParked(entry.id, invalid, null, expired ? 'expired' : 'invalid');
        this.deps.metrics.events.inc({
          platform: destination.platform,
          outcome: expired ? 'expired' : 'invalid',
        });
        entry.resolve({ kind: 'parked' });
      } else sendable.push(entry);
    }
    // Test events go in their own requests: a test code applies to a whole request.
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
    destination: Destination,
    group: Waiting[],
    rows: Map<string, QueuedDispatch>,
    testEventCode?: string,
  ): Promise<void> {
    const { platform } = destination;
    const payloads = group.map((entry) => rows.get(entry.id)!.payload);
    const ids = group.map((entry) => entry.id);
    if (this.deps.dryRun) {
      const requestId = await this.record(destination, group.length, dryRunExchange(payloads));
      await this.deps.dispatches.markSent(ids, requestId, 'dry_run');
      this.deps.metrics.events.inc({ platform, outcome: 'dry_run' }, ids.length);
      return group.forEach((entry) => entry.resolve({ kind: 'sent' }));
    }
    const exchange = await destination.send(payloads, { testEventCode });
    const requestId = await this.record(destination, group.length, exchange);
    const { outcome } = exchange;
    this.deps.metrics.requests.inc({ platform, outcome: outcome.kind });
    this.deps.metrics.latency.observe({ platform }, exchange.durationMs / 1000);
    const breaker = this.breaker(platform);
    switch (outcome.kind) {
      case 'accepted': {
        breaker.succeeded();
        // A platform that answers per event (LinkedIn) may refuse some inside an accepted batch: parked.
        const rejected = new Map(
          (outcome.rejectedIndexes ?? []).map((entry) => [entry.index, entry.message]),
        );
        const taken = group.filter((_, index) => !rejected.has(index));
        for (const [index, message] of rejected) {
          if (group[index]) await this.park(destination, group[index], message, requestId);
        }
        await this.deps.dispatches.markSent(
          taken.map((entry) => entry.id),
          requestId,
        );
        this.deps.metrics.events.inc({ platform, outcome: 'sent' }, taken.length);
        return taken.forEach((entry) => entry.resolve({ kind: 'sent' }));
      }
      case 'invalid_event': {
        breaker.succeeded();
        const named = (outcome.failedIndexes ?? []).filter((index) => index >= 0 && index < group.length);
        if (named.length) {
          // The platform named the bad events: park them, send the rest again.
          const bad = new Set(named);
          for (const index of bad) await this.park(destination, group[index], outcome.message, requestId);
          const rest = group.filter((_, index) => !bad.has(index));
          if (rest.length) await this.send(destination, rest, rows, testEventCode);
          return;
        }
        const plan = planAfterInvalid(group);
        if (plan.kind === 'split') {
          for (const part of plan.parts) await this.send(destination, part, rows, testEventCode);
          return;
        }
        return this.park(destination, plan.item, outcome.message, requestId);
      }
      case 'config':
        await this.deps.dispatches.pause(
          { platform, destination: destination.accountId },
          destination.credentialFingerprint,
          outcome.message,
        );
        this.deps.onPaused(`destination ${destination.displayName} paused: ${outcome.message}`);
        await this.deps.dispatches.markAttempt(ids, `destination paused: ${outcome.message}`);
        return group.forEach((entry) => entry.resolve({ kind: 'paused', reason: outcome.message }));
      default: {
        breaker.failed(outcome.retryAfterMs);
        const reason = `${outcome.kind}: ${outcome.message}`;
        await this.deps.dispatches.markAttempt(ids, reason);
        return group.forEach((entry) => entry.resolve({ kind: 'retry', reason }));
      }
    }
  }

  private async park(destination: Destination, entry: Waiting, message: string, requestId: string) {
    await this.deps.dispatches.markParked(
      entry.id,
      `${destination.displayName} refused the event: ${message}`,
      requestId,
    );
    this.deps.metrics.events.inc({ platform: destination.platform, outcome: 'parked' });
    entry.resolve({ kind: 'parked' });
  }

  private record(
    destination: Destination,
    eventCount: number,
    exchange: DestinationExchange,
  ): Promise<string> {
    const { outcome } = exchange;
    return this.deps.dispatches.recordRequest({
      platform: destination.platform,
      destination: destination.accountId,
      eventCount,
      requestBody: exchange.requestBody as object,
      responseStatus: exchange.status,
      responseBody: exchange.responseBody,
      outcome: outcome.kind === 'accepted' && exchange.status === 0 ? 'dry_run' : outcome.kind,
      traceId: outcome.traceId ?? (outcome.kind === 'accepted' ? outcome.requestId : undefined),
      durationMs: exchange.durationMs,
    });
  }
}

/** DRY_RUN_DESTINATIONS: what would have been sent, recorded as a request that never left. */
function dryRunExchange(payloads: unknown[]): DestinationExchange {
  return {
    requestBody: { dry_run: true, events: payloads },
    status: 0,
    responseBody: undefined,
    durationMs: 0,
    outcome: { kind: 'accepted' },
  };
}
