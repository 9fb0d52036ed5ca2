import type { PageCursor } from '@app/db';
import { badRequest } from '../common/validation';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Opaque to clients: base64url of `[created_at, id]` of the last row of a page. */
export function encodeCursor(row: { created_at: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.created_at.toISOString(), row.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): PageCursor | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2) {
      const [at, id] = parsed as unknown[];
      const createdAt = typeof at === 'string' ? new Date(at) : undefined;
      if (createdAt && Number.isFinite(createdAt.getTime()) && typeof id === 'string' && UUID.test(id)) {
        return { createdAt, id };
      }
    }
  } catch {
    // fall through to the 400
  }
  throw badRequest([{ field: 'cursor', message: 'cursor: is not a next_cursor this api gave out' }]);
}

/** `since`/`until` as dates, refusing an empty range. */
export function timeRange(since?: string, until?: string): { since?: Date; until?: Date } {
  const range = { since: since ? new Date(since) : undefined, until: until ? new Date(until) : undefined };
  if (range.since && range.until && range.since >= range.until) {
    throw badRequest([
      { field: 'since', message: 'since must be before until' },
      { field: 'until', message: 'until must be after since' },
    ]);
  }
  return range;
}

/** One page of `limit` items from `limit` + 1 rows, with the cursor of the next page (null on the last). */
export function page<Row extends { created_at: Date; id: string }, Item>(
  rows: Row[],
  limit: number,
  present: (row: Row) => Item,
): { items: Item[]; next_cursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items: items.map(present), next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
}
