// In-memory dispatch store and a scripted destination, for the dispatcher's unit tests
// (apps/worker/src/dispatch/dispatch-sender.ts).
import type { Destination, DestinationExchange, DestinationOutcome } from '@app/destinations';
import type { DestinationRequestRecord, QueuedDispatch } from '@app/db';
import type { DispatchSenderStore } from '../../apps/worker/src/dispatch/dispatch-sender';

type Row = QueuedDispatch & { status_reason?: string; request_id?: string | null; lifecycle_status?: string };

export class InMemoryDispatchSenderStore implements DispatchSenderStore {
  readonly rows = new Map<string, Row>();
  readonly requests: (DestinationRequestRecord & { id: string })[] = [];
  readonly pauses = new Map<string, { fingerprint: string; reason: string }>();

  add(id: string, payload: unknown, fields: Partial<Row> = {}): void {
    this.rows.set(id, {
      id,
      lifecycle_event_id: `l-${id}`,
      platform: 'test',
      destination: 'account-1',
      event_id: `x-${id}`,
      payload,
      test_event_code: null,
      status: 'queued',
      ...fields,
    });
  }

  status(id: string) {
    const row = this.rows.get(id)!;
    return { status: row.status, reason: row.status_reason, lifecycle: row.lifecycle_status };
  }

  async activePause(target: { platform: string; destination: string }, fingerprint: string) {
    const key = `${target.platform}/${target.destination}`;
    const pause = this.pauses.get(key);
    if (!pause) return undefined;
    if (pause.fingerprint !== fingerprint) {
      this.pauses.delete(key);
      return undefined;
    }
    return { reason: pause.reason };
  }
  async pause(target: { platform: string; destination: string }, fingerprint: string, reason: string) {
    this.pauses.set(`${target.platform}/${target.destination}`, { fingerprint, reason });
  }
  async byIds(ids: string[]) {
    return ids.flatMap((id) => (this.rows.has(id) ? [{ ...this.rows.get(id)! }] : []));
  }
  async recordRequest(record: DestinationRequestRecord) {
    const id = `r${this.requests.length + 1}`;
    this.requests.push({ ...record, id });
    return id;
  }
  async markSent(ids: string[], requestId: string, status: 'sent' | 'dry_run' = 'sent') {
    for (const id of ids)
      Object.assign(this.rows.get(id)!, { status, request_id: requestId, lifecycle_status: status });
  }
  async markParked(id: string, reason: string, requestId: string | null, lifecycleStatus = 'rejected') {
    Object.assign(this.rows.get(id)!, {
      status: 'parked',
      status_reason: reason,
      request_id: requestId,
      lifecycle_status: lifecycleStatus,
    });
  }
  async markAttempt(ids: string[], reason: string, finalFailure = false) {
    for (const id of ids) {
      const row = this.rows.get(id)!;
      Object.assign(row, { status_reason: reason, status: finalFailure ? 'failed' : row.status });
    }
  }
}

/**
 * A destination whose answers are scripted per request (`answer(payloads)`), recording every batch sent.
 * Payloads are `{ n: number }`; `validate` refuses `{ expired: true }` and `{ invalid: true }` ones.
 */
export class ScriptedDestination implements Destination<{ n: number; expired?: boolean; invalid?: boolean }> {
  readonly platform = 'test' as unknown as 'meta';
  readonly displayName = 'Test Ads';
  readonly accountId = 'account-1';
  readonly sendWindowMs = 86_400_000;
  credentialFingerprint = 'fingerprint-1';
  readonly sent: number[][] = [];

  constructor(
    public answer: (payloads: { n: number }[]) => DestinationOutcome = () => ({ kind: 'accepted' }),
    readonly maxBatch = 1000,
  ) {}

  build(): never {
    throw new Error('not used by the dispatcher');
  }
  validate(payload: { expired?: boolean; invalid?: boolean }) {
    if (payload.expired) return 'expired while waiting to be sent';
    return payload.invalid ? 'not sent: the event failed validation before sending (test)' : undefined;
  }
  async send(payloads: { n: number }[]): Promise<DestinationExchange> {
    this.sent.push(payloads.map((payload) => payload.n));
    return {
      requestBody: { events: payloads },
      status: 200,
      responseBody: {},
      durationMs: 1,
      outcome: this.answer(payloads),
    };
  }
}
