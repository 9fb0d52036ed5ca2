import { Injectable, Logger } from '@nestjs/common';
import type { Destination } from '@app/destinations';
import { AppConfig } from '@app/config';
import { DispatchRepository } from '@app/db';
import { MetricsService } from '@app/observability';
import { DestinationRegistry } from './destination-registry';
import { type DispatchResult, DispatchSender, type Waiting } from './dispatch-sender';

export type { DispatchResult } from './dispatch-sender';

const LINGER_MS = 25;

/**
 * Collects the dispatch jobs of one destination running at the same moment into one request (a burst of
 * changes becomes a few requests); DispatchSender sends it and settles each job.
 */
@Injectable()
export class DispatchBatcher {
  private readonly logger = new Logger(DispatchBatcher.name);
  private readonly pending = new Map<
    string,
    { waiting: Waiting[]; byId: Map<string, Waiting>; timer?: NodeJS.Timeout }
  >();
  private readonly sender: DispatchSender;

  constructor(
    config: AppConfig,
    private readonly destinations: DestinationRegistry,
    dispatches: DispatchRepository,
    metrics: MetricsService,
  ) {
    this.sender = new DispatchSender({
      dispatches,
      metrics: metrics.destination,
      dryRun: config.destinations.dryRun,
      onPaused: (message) => this.logger.error(message),
    });
  }

  submit(platform: string, dispatchId: string): Promise<DispatchResult> {
    const destination = this.destinations.get(platform);
    if (!destination) {
      return Promise.resolve({ kind: 'paused', reason: `${platform} is not configured in this worker` });
    }
    return new Promise((resolve) => {
      const slot = this.pending.get(platform) ?? { waiting: [], byId: new Map<string, Waiting>() };
      this.pending.set(platform, slot);
      // Two jobs carrying the same event at once (a reconciler re-add racing the original) share one send.
      const same = slot.byId.get(dispatchId);
      if (same) {
        const first = same.resolve;
        same.resolve = (result) => {
          first(result);
          resolve(result);
        };
        return;
      }
      const entry = { id: dispatchId, resolve };
      slot.waiting.push(entry);
      slot.byId.set(dispatchId, entry);
      if (slot.waiting.length >= destination.maxBatch) this.flush(destination);
      else slot.timer ??= setTimeout(() => this.flush(destination), LINGER_MS);
    });
  }

  private flush(destination: Destination): void {
    const slot = this.pending.get(destination.platform);
    if (!slot) return;
    this.pending.delete(destination.platform);
    if (slot.timer) clearTimeout(slot.timer);
    void this.sender.dispatch(destination, slot.waiting).catch((error: Error) => {
      this.logger.error(`dispatch to ${destination.displayName} failed: ${error.message}`);
      for (const waiting of slot.waiting) waiting.resolve({ kind: 'retry', reason: error.message });
    });
  }
}
