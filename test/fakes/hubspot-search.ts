// The HubSpot fake's CRM search and batch read (crm-webhooks.md §5, §1.7): `POST
// /crm/v3/objects/{deals|contacts}/search` with one filter group of GTE/EQ filters on a property, one sort,
// `properties`, `limit` (≤ 100) and `after` paging; and the JSON parsing of every POSTed body (the batch
// reads are answered in hubspot-batch.ts).

import type { HistoryEntry } from './hubspot-batch';

type Props = Record<string, string | null>;
export type { HistoryEntry };

interface Filter {
  propertyName?: string;
  operator?: string;
  value?: string;
}

interface SearchBody {
  filterGroups?: { filters?: Filter[] }[];
  sorts?: { propertyName?: string; direction?: string }[];
  properties?: string[];
  limit?: number;
  after?: string;
}

/** A property value as a comparable number (epoch ms for dates) or its text. */
function comparable(value: string | null | undefined): number | string {
  if (value === null || value === undefined) return '';
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : ms;
}

function matches(props: Props, filter: Filter): boolean {
  const have = comparable(props[filter.propertyName ?? '']);
  const want = comparable(filter.value);
  if (filter.operator === 'GTE') return have !== '' && have >= want;
  if (filter.operator === 'EQ') return have === want;
  return false;
}

function pick(id: string, props: Props, names: string[]) {
  return { id, properties: Object.fromEntries(names.map((name) => [name, props[name] ?? null])) };
}

export function searchAnswer(
  records: Map<string, Props>,
  body: SearchBody,
): { status: number; body: unknown } {
  const limit = Math.min(body.limit ?? 10, 100);
  const filters = body.filterGroups?.[0]?.filters ?? [];
  let found = [...records.entries()].filter(([, props]) => filters.every((f) => matches(props, f)));
  const sort = body.sorts?.[0];
  if (sort?.propertyName) {
    const key = sort.propertyName;
    const sign = sort.direction === 'DESCENDING' ? -1 : 1;
    found = found.sort(([, a], [, b]) => (comparable(a[key]) > comparable(b[key]) ? sign : -sign));
  }
  const start = Number(body.after ?? '0') || 0;
  const page = found.slice(start, start + limit);
  return {
    status: 200,
    body: {
      total: found.length,
      results: page.map(([id, props]) => pick(id, props, body.properties ?? [])),
      ...(start + limit < found.length && { paging: { next: { after: String(start + limit) } } }),
    },
  };
}

/** A POSTed search or batch read, answered by `answer`; a body that is not JSON gets HubSpot's 400. */
export function postAnswer(
  raw: string,
  answer: (body: Record<string, never>) => { status: number; body: unknown },
): { status: number; body: unknown } {
  let body: Record<string, never>;
  try {
    body = JSON.parse(raw) as Record<string, never>;
  } catch {
    return {
      status: 400,
      body: { status: 'error', message: 'Invalid input JSON', category: 'VALIDATION_ERROR' },
    };
  }
  return answer(body);
}

/** Sets the stage, the last-modified date the search filters on, and a newest-first history entry. */
export function recordStage(
  record: Props,
  histories: Map<string, HistoryEntry[]>,
  change: { objectType: 'deal' | 'contact'; id: string; stage: string; at: Date },
): void {
  const field = change.objectType === 'deal' ? 'dealstage' : 'lifecyclestage';
  record[field] = change.stage;
  record[change.objectType === 'deal' ? 'hs_lastmodifieddate' : 'lastmodifieddate'] = change.at.toISOString();
  const key = `${change.id}:${field}`;
  histories.set(key, [
    { value: change.stage, timestamp: change.at.toISOString() },
    ...(histories.get(key) ?? []),
  ]);
}
