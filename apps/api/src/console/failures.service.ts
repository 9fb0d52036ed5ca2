import { Injectable } from '@nestjs/common';
import { ConsoleJourneysRepository, LifecycleHit, NotSentDispatchRow } from '@app/db';
import { decodeCursor, encodeCursor } from '../admin/pagination';

/** Lifecycle statuses that mean "not sent" (the failures list's default). */
export const NOT_SENT_STATUSES = [
  'unjoined',
  'blocked_consent',
  'blocked_bot',
  'expired',
  'rejected',
  'invalid',
  'waiting_destination',
  'failed',
  'duplicate',
  'unmapped',
  'pending',
] as const;
export const FAILURES_PAGE = 50;

export interface FailuresFilter {
  status?: string;
  provider?: string;
  eventName?: string;
  platform?: string;
  cursor?: string;
  dcursor?: string;
}

export interface Failures {
  events: LifecycleHit[];
  nextCursor: string | null;
  dispatches: NotSentDispatchRow[];
  nextDispatchCursor: string | null;
  tookMs: number;
}

function paged<Row extends { created_at: Date; id: string }>(rows: Row[]) {
  const items = rows.slice(0, FAILURES_PAGE);
  const last = items[items.length - 1];
  return { items, next: rows.length > FAILURES_PAGE && last ? encodeCursor(last) : null };
}

/** The not-sent lists, newest first, keyset-paged (a page costs the same on the millionth row). */
@Injectable()
export class FailuresService {
  constructor(private readonly repository: ConsoleJourneysRepository) {}

  async failures(filter: FailuresFilter): Promise<Failures> {
    const started = Date.now();
    const [events, dispatches] = await Promise.all([
      this.repository.notSentEvents(
        {
          statuses: filter.status ? [filter.status] : NOT_SENT_STATUSES,
          provider: filter.provider,
          eventName: filter.eventName,
        },
        FAILURES_PAGE,
        decodeCursor(filter.cursor),
      ),
      this.repository.notSentDispatches(filter.platform, FAILURES_PAGE, decodeCursor(filter.dcursor)),
    ]);
    const e = paged(events);
    const d = paged(dispatches);
    return {
      events: e.items,
      nextCursor: e.next,
      dispatches: d.items,
      nextDispatchCursor: d.next,
      tookMs: Date.now() - started,
    };
  }
}
