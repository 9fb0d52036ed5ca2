// HubSpot's side of the reconciliation sweep (crm-webhooks.md §5): the CRM search on the last-modified date
// (`POST /crm/v3/objects/{deals|contacts}/search`, oldest first), then one batch read of the page's stage
// history (`propertiesWithHistory`), so each change carries the time its stage was set. That time and the
// `deal.propertyChange` / `contact.propertyChange` type give the dedupe key a webhook of the same change has
// (parse.ts), so a change received both ways is stored once. That HubSpot's history timestamp equals the
// webhook's `occurredAt` is UNVERIFIED; when it does not, the sweep skips a stage already stored anyway.
import { sha256Hex } from '@app/journey';
import { textOf } from '../api-http';
import type { LifecycleChange } from '../lifecycle-change';
import type { CrmReconcileSource, ReconcilePage } from '../reconcile';
import type { HubspotApiClient } from './api-client';
import { STAGE_FIELD } from './parse-util';

/** Records per search page: the search's maximum. */
export const HUBSPOT_SEARCH_LIMIT = 100;
/** HubSpot's search serves at most this many results of one query (paging further is a 400). */
export const HUBSPOT_SEARCH_MAX_RESULTS = 10_000;
/** A `next` that starts a new search from a last-modified time (ms) instead of paging on. */
const RESTART = 'from:';
/** Records per batch read with property history: HubSpot allows fewer with history than without (50). */
export const HUBSPOT_HISTORY_BATCH = 50;

const OBJECTS = {
  deal: { path: 'deals', modified: 'hs_lastmodifieddate', type: 'deal.propertyChange' },
  // Contacts keep their last-modified date in `lastmodifieddate` (deals in `hs_lastmodifieddate`).
  contact: { path: 'contacts', modified: 'lastmodifieddate', type: 'contact.propertyChange' },
} as const;
type SweptObject = keyof typeof OBJECTS;

interface SearchAnswer {
  results?: { id?: unknown; properties?: Record<string, unknown> }[];
  paging?: { next?: { after?: unknown } };
}

interface HistoryAnswer {
  results?: {
    id?: unknown;
    propertiesWithHistory?: Record<string, { value?: unknown; timestamp?: unknown }[] | undefined>;
  }[];
}

function epochMs(value: unknown): number | undefined {
  const raw = textOf(value);
  if (raw === undefined) return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  return Number.isFinite(ms) ? ms : undefined;
}

/** When the record's current stage was set: the newest history entry holding it. */
function stageSetAt(history: { value?: unknown; timestamp?: unknown }[], stage: string): number | undefined {
  const times = history.filter((entry) => textOf(entry.value) === stage).map((e) => epochMs(e.timestamp));
  const known = times.filter((ms): ms is number => ms !== undefined);
  return known.length ? Math.max(...known) : undefined;
}

export class HubspotReconcileSource implements CrmReconcileSource {
  readonly provider = 'hubspot';
  readonly objects: readonly SweptObject[] = ['deal', 'contact'];

  constructor(
    private readonly api: HubspotApiClient,
    /** `searchMaxResults`: HubSpot's 10,000 unless a test wants a restart sooner. */
    private readonly settings: { externalIdProperty: string; searchMaxResults?: number },
  ) {}

  async page(object: string, since: Date, next?: string): Promise<ReconcilePage> {
    const kind = OBJECTS[object as SweptObject];
    const stageField = STAGE_FIELD[object as SweptObject]!;
    const portalId = (await this.api.accountDetails())?.portalId;
    if (!kind || !portalId) throw new Error(`HubSpot sweep: unknown object ${object} or portal id`);
    // Past 10,000 results a new search starts at the last record read (what it reads again is known), its
    // pages then named `from:<ms>/<after>`; `since` still bounds the stage times kept.
    const [restartedAt, after] = next?.startsWith(RESTART)
      ? next.slice(RESTART.length).split('/')
      : [undefined, next];
    const from = restartedAt ?? String(since.getTime());
    const properties = [stageField, kind.modified, ...(object === 'deal' ? ['pipeline'] : [])];
    if (object === 'contact') properties.push(this.settings.externalIdProperty);
    const found = await this.api.post<SearchAnswer>(`/crm/v3/objects/${kind.path}/search`, {
      filterGroups: [{ filters: [{ propertyName: kind.modified, operator: 'GTE', value: from }] }],
      sorts: [{ propertyName: kind.modified, direction: 'ASCENDING' }],
      properties,
      limit: HUBSPOT_SEARCH_LIMIT,
      ...(after && { after }),
    });
    const records = (found?.results ?? []).flatMap((record) => {
      const id = textOf(record.id);
      return id ? [{ id, props: record.properties ?? {} }] : [];
    });
    const modified = records.map((r) => epochMs(r.props[kind.modified])).filter((ms) => ms !== undefined);
    const more = textOf(found?.paging?.next?.after);
    const last = modified.length ? Math.max(...modified) : undefined;
    const max = this.settings.searchMaxResults ?? HUBSPOT_SEARCH_MAX_RESULTS;
    const restart = more && Number(more) + HUBSPOT_SEARCH_LIMIT > max;
    // 10,000 records modified in one millisecond would restart where they began: the run ends there.
    const stuck = last === undefined || last <= Number(from);
    const following = !restart
      ? more && (restartedAt ? `${RESTART}${restartedAt}/${more}` : more)
      : stuck
        ? undefined
        : `${RESTART}${last}`;
    const page: ReconcilePage = {
      changes: [],
      ...(last !== undefined && { cursor: new Date(last) }),
      ...(following && { next: following }),
    };
    const staged = records.filter((r) => textOf(r.props[stageField]) !== undefined);
    if (!staged.length) return page;
    const histories = new Map<string | undefined, { value?: unknown; timestamp?: unknown }[]>();
    for (let start = 0; start < staged.length; start += HUBSPOT_HISTORY_BATCH) {
      const history = await this.api.post<HistoryAnswer>(`/crm/v3/objects/${kind.path}/batch/read`, {
        inputs: staged.slice(start, start + HUBSPOT_HISTORY_BATCH).map((r) => ({ id: r.id })),
        properties: [stageField],
        propertiesWithHistory: [stageField],
      });
      for (const r of history?.results ?? [])
        histories.set(textOf(r.id), r.propertiesWithHistory?.[stageField] ?? []);
    }
    for (const { id, props } of staged) {
      const stage = textOf(props[stageField])!;
      const ms = stageSetAt(histories.get(id) ?? [], stage);
      // A stage set before the window was there at the last sweep: not a change of this one.
      if (ms === undefined || ms < since.getTime()) continue;
      page.changes.push(this.change(object as SweptObject, portalId, id, props, stage, ms));
    }
    return page;
  }

  private change(
    object: SweptObject,
    portalId: string,
    id: string,
    props: Record<string, unknown>,
    stage: string,
    ms: number,
  ): LifecycleChange {
    const stageField = STAGE_FIELD[object]!;
    const pipeline = object === 'deal' ? textOf(props.pipeline) : undefined;
    const externalId = object === 'contact' ? textOf(props[this.settings.externalIdProperty]) : undefined;
    return {
      provider: 'hubspot',
      tenant: portalId,
      objectType: object,
      objectId: id,
      ...(pipeline && { pipeline }),
      stageField,
      stage,
      occurredAt: new Date(ms).toISOString(),
      // The key of the same change's webhook (parse.ts): portal, type, object, property, value, time.
      dedupeKey: sha256Hex([portalId, OBJECTS[object].type, id, stageField, stage, ms].join('|')),
      hints: {
        ...(externalId && { externalId }),
        crmRecords: [{ objectType: object, id }],
        emailHashes: [],
        phoneHashes: [],
      },
    };
  }
}
