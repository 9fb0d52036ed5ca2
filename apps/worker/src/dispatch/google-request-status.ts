import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { DestinationRequestRepository } from '@app/db';
import { DestinationRegistry } from './destination-registry';

/** How often accepted Google requests are read back, and how many per pass. */
const POLL_MS = 60_000;
const BATCH = 50;

/**
 * Google answers an ingest with "accepted for processing" only; what became of the events (EVENT_TOO_OLD,
 * INVALID_GCLID, DENIED_CONSENT…) is read back with requestStatus:retrieve and recorded on the request
 * (counts per reason: Google names no event). Reads are idempotent, so several replicas polling is harmless.
 */
@Injectable()
export class GoogleRequestStatusPoller implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(GoogleRequestStatusPoller.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly destinations: DestinationRegistry,
    private readonly requests: DestinationRequestRepository,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.destinations.google) return;
    this.timer = setInterval(() => {
      this.running ??= this.poll()
        .then(() => undefined)
        .catch((error: Error) => this.logger.warn(`Google request status skipped: ${error.message}`))
        .finally(() => (this.running = undefined));
    }, POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  async poll(): Promise<number> {
    const google = this.destinations.google;
    if (!google) return 0;
    const pending = await this.requests.requestsAwaitingProcessing('google', BATCH);
    for (const { id, traceId } of pending) {
      const answer = await google.retrieveRequestStatus(traceId);
      if (answer.kind === 'status') {
        await this.requests.recordProcessing(id, answer.status.state, answer.status.errors);
      } else if (answer.outcome.kind === 'invalid_event') {
        // No status will ever come (validate-only or unknown request id): stop asking.
        await this.requests.recordProcessing(id, 'UNKNOWN', [{ reason: answer.outcome.message, count: 0 }]);
      }
    }
    return pending.length;
  }
}
