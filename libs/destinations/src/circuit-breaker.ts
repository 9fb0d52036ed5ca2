/**
 * A per-destination circuit breaker. After `threshold` (10) failed requests in a row (transient, throttled or
 * unknown answers; BullMQ's back-off already spaces the retries of each job, so a short run of errors never
 * opens it) it opens: the destination's jobs wait (without spending attempts) until the cool-down
 * ends, then one request probes it; success closes it, another failure opens it again for twice as long (up
 * to `maxCoolDownMs`). A platform down for an hour costs a request per cool-down, not a retry storm, and
 * since each platform has its own breaker and queue, it never delays another.
 */
export interface CircuitBreakerOptions {
  threshold?: number;
  coolDownMs?: number;
  maxCoolDownMs?: number;
  now?: () => number;
}

export class CircuitBreaker {
  private failures = 0;
  private openUntil = 0;
  private coolDownMs: number;
  private readonly threshold: number;
  private readonly baseCoolDownMs: number;
  private readonly maxCoolDownMs: number;
  private readonly now: () => number;

  constructor(options: CircuitBreakerOptions = {}) {
    this.threshold = options.threshold ?? 10;
    this.baseCoolDownMs = options.coolDownMs ?? 15_000;
    this.coolDownMs = this.baseCoolDownMs;
    this.maxCoolDownMs = options.maxCoolDownMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** How long until a request may go (0: now). */
  waitMs(): number {
    return Math.max(0, this.openUntil - this.now());
  }

  succeeded(): void {
    this.failures = 0;
    this.openUntil = 0;
    this.coolDownMs = this.baseCoolDownMs;
  }

  /** A failed request; `retryAfterMs` (the platform's own hint) holds the circuit at least that long. */
  failed(retryAfterMs?: number): void {
    this.failures += 1;
    const hinted = retryAfterMs && retryAfterMs > 0 ? retryAfterMs : 0;
    if (this.failures < this.threshold) {
      if (hinted) this.openUntil = Math.max(this.openUntil, this.now() + hinted);
      return;
    }
    const wasOpen = this.failures > this.threshold;
    if (wasOpen) this.coolDownMs = Math.min(this.coolDownMs * 2, this.maxCoolDownMs);
    this.openUntil = this.now() + Math.max(this.coolDownMs, hinted);
  }
}
