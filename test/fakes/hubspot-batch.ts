// The HubSpot fake's batch reads (crm-webhooks.md §1.7): `POST /crm/v3/objects/{type}/batch/read` with
// `properties` and `propertiesWithHistory` (newest first, as HubSpot returns them); the v4 associations
// batch read is in hubspot-associations.ts. At most 100 inputs (more: HubSpot's 400). Ids that do not
// exist are answered 207 with HubSpot's `errors` entry listing them.
type Props = Record<string, string | null>;
export interface HistoryEntry {
  value: string;
  /** ISO-8601. */
  timestamp: string;
}

export type Answer = { status: number; body: unknown };
const BATCH_LIMIT = 100;
const TIMES = {
  requestedAt: '2026-01-01T00:00:00.000Z',
  startedAt: '2026-01-01T00:00:00.000Z',
  completedAt: '2026-01-01T00:00:00.010Z',
};

function validation(message: string): Answer {
  return { status: 400, body: { status: 'error', message, category: 'VALIDATION_ERROR' } };
}

export function idsOf(body: { inputs?: { id?: unknown }[] }): string[] | Answer {
  const inputs = body.inputs ?? [];
  if (inputs.length > BATCH_LIMIT) return validation(`Batch input must have at most ${BATCH_LIMIT} items`);
  return inputs.map((input) => String(input.id ?? ''));
}

/** 200 when every id was found, else 207 with the errors listed. */
export function batchAnswer(results: unknown[], errors: unknown[]): Answer {
  const body = { status: 'COMPLETE', results, ...TIMES };
  if (errors.length === 0) return { status: 200, body };
  return { status: 207, body: { ...body, numErrors: errors.length, errors } };
}

export function batchReadAnswer(
  type: string,
  records: Map<string, Props>,
  histories: Map<string, HistoryEntry[]>,
  body: { inputs?: { id?: string }[]; properties?: string[]; propertiesWithHistory?: string[] },
): Answer {
  const ids = idsOf(body);
  if (!Array.isArray(ids)) return ids;
  const missing = ids.filter((id) => !records.has(id));
  const results = [...new Set(ids)].flatMap((id) => {
    const props = records.get(id);
    if (!props) return [];
    const properties = Object.fromEntries((body.properties ?? []).map((name) => [name, props[name] ?? null]));
    const withHistory = body.propertiesWithHistory && {
      propertiesWithHistory: Object.fromEntries(
        body.propertiesWithHistory.map((name) => [
          name,
          (histories.get(`${id}:${name}`) ?? []).map((entry) => ({ ...entry, sourceType: 'CRM_UI' })),
        ]),
      ),
    };
    const stamps = { createdAt: TIMES.requestedAt, updatedAt: TIMES.requestedAt, archived: false };
    return [{ id, properties: { hs_object_id: id, ...properties }, ...withHistory, ...stamps }];
  });
  const objectType = type === 'deals' ? 'DEAL' : 'CONTACT';
  const errors = missing.length
    ? [
        {
          status: 'error',
          category: 'OBJECT_NOT_FOUND',
          message: `Could not get some ${objectType} objects, they may be deleted or not exist. Check that ids are valid.`,
          context: { ids: missing },
        },
      ]
    : [];
  return batchAnswer(results, errors);
}
