// HubSpot's batch reads for the lifecycle join (crm-webhooks.md §1.7): up to 100 deals per
// `POST /crm/v3/objects/deals/batch/read` plus their contacts per `POST /crm/v4/associations/deals/contacts/
// batch/read`, and one contact property per `POST /crm/v3/objects/contacts/batch/read`. Ids HubSpot does not
// know come back in `errors` (HTTP 207) or not at all: they are simply absent from the returned map.
import { textOf } from '../api-http';
import { HubspotDeal, parseDeal } from './deal';

/** HubSpot's maximum `inputs` per batch read. */
export const HUBSPOT_BATCH_LIMIT = 100;

/** POST that resolves with the JSON answer of a 2xx (207 included) and throws otherwise. */
export type BatchPost = <T>(path: string, body: unknown) => Promise<T>;

interface ObjectsAnswer {
  results?: { id?: unknown; properties?: Record<string, unknown> }[];
}

interface AssociationsAnswer {
  results?: { from?: { id?: unknown }; to?: { toObjectId?: unknown }[]; paging?: { next?: unknown } }[];
}

function objectsById(answer: ObjectsAnswer): Map<string, Record<string, unknown>> {
  const found = new Map<string, Record<string, unknown>>();
  for (const result of answer.results ?? []) {
    const id = textOf(result.id);
    if (id !== undefined) found.set(id, result.properties ?? {});
  }
  return found;
}

/**
 * The deals among `ids` that exist, parsed exactly as a single read's body (parseDeal): the v4 answer is
 * put in the shape of the v3 `associations=contacts` embed, so a deal read either way is the same value.
 */
export async function readDeals(
  post: BatchPost,
  ids: string[],
  properties: string[],
  leadIdProperty?: string,
): Promise<Map<string, HubspotDeal>> {
  const inputs = ids.map((id) => ({ id }));
  const [objects, links] = await Promise.all([
    post<ObjectsAnswer>('/crm/v3/objects/deals/batch/read', { properties, inputs }),
    post<AssociationsAnswer>('/crm/v4/associations/deals/contacts/batch/read', { inputs }),
  ]);
  const contacts = new Map<string, { results: { id?: unknown }[]; paging?: { next?: unknown } }>();
  for (const result of links.results ?? []) {
    const id = textOf(result.from?.id);
    if (id === undefined) continue;
    const entry = contacts.get(id) ?? { results: [] };
    entry.results.push(...(result.to ?? []).map((to) => ({ id: to.toObjectId })));
    if (result.paging?.next) entry.paging = { next: result.paging.next };
    contacts.set(id, entry);
  }
  const deals = new Map<string, HubspotDeal>();
  for (const [id, props] of objectsById(objects)) {
    const embedded = contacts.get(id);
    // A single read leaves `associations` out for a deal without contacts; so does this.
    const associations = embedded?.results.length ? { contacts: embedded } : undefined;
    deals.set(id, parseDeal({ id, properties: props, associations }, id, leadIdProperty));
  }
  return deals;
}

/** One property of each contact among `ids` that exists (absent when unset). */
export async function readContactProperty(
  post: BatchPost,
  ids: string[],
  property: string,
): Promise<Map<string, string | undefined>> {
  const answer = await post<ObjectsAnswer>('/crm/v3/objects/contacts/batch/read', {
    properties: [property],
    inputs: ids.map((id) => ({ id })),
  });
  const values = new Map<string, string | undefined>();
  for (const [id, props] of objectsById(answer)) values.set(id, textOf(props[property]));
  return values;
}
