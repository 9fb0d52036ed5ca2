// The HubSpot fake's v4 deal→contact associations (crm-webhooks.md §1.7): the paged
// `GET /crm/v4/objects/deals/{id}/associations/contacts` and the batch read
// `POST /crm/v4/associations/deals/contacts/batch/read` (per-deal `after` cursor). A deal that is unknown or
// has no contacts is answered in the batch's 207 `errors`; that entry's wording and sub-category are as
// remembered from HubSpot's answers, UNVERIFIED.
import { batchAnswer, idsOf, type Answer } from './hubspot-batch';

/** HubSpot's v4 maximum and default association page size. */
export const V4_MAX_LIMIT = 500;

function toContact(id: string) {
  return {
    // HubSpot's schema types toObjectId as int64; non-numeric test ids stay strings.
    toObjectId: /^\d{1,15}$/.test(id) ? Number(id) : id,
    associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }],
  };
}

/** One page of a deal's contacts, `limit` capped at 500 and at the fake's `pageSize`. */
export function associationsPage(
  contactIds: string[],
  url: URL,
  baseUrl: string,
  pageSize = V4_MAX_LIMIT,
): Record<string, unknown> {
  const asked = Number(url.searchParams.get('limit') ?? V4_MAX_LIMIT);
  const limit = Math.min(Number.isInteger(asked) && asked > 0 ? asked : V4_MAX_LIMIT, V4_MAX_LIMIT, pageSize);
  const start = Number(url.searchParams.get('after') ?? '0') || 0;
  const body: Record<string, unknown> = { results: contactIds.slice(start, start + limit).map(toContact) };
  if (start + limit < contactIds.length) {
    const after = String(start + limit);
    const link = new URL(url.pathname, baseUrl);
    link.searchParams.set('limit', String(limit));
    link.searchParams.set('after', after);
    body.paging = { next: { after, link: link.toString() } };
  }
  return body;
}

/** v4 deal→contact associations of each input deal, at most `pageSize` per deal with an `after` cursor. */
export function associationsBatchAnswer(
  contactIdsOf: (dealId: string) => string[] | undefined,
  body: { inputs?: { id?: string; after?: string }[] },
  pageSize: number,
): Answer {
  const ids = idsOf(body);
  if (!Array.isArray(ids)) return ids;
  const results: unknown[] = [];
  const errors: unknown[] = [];
  (body.inputs ?? []).forEach((input, i) => {
    const all = contactIdsOf(ids[i]) ?? [];
    const start = Number(input.after ?? '0') || 0;
    const page = all.slice(start, start + pageSize);
    if (page.length === 0) {
      errors.push({
        status: 'error',
        category: 'OBJECT_NOT_FOUND',
        subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
        context: { fromObjectId: [ids[i]] },
        message: `No contacts is associated with deals ${ids[i]}.`,
      });
      return;
    }
    results.push({
      from: { id: ids[i] },
      to: page.map(toContact),
      ...(start + pageSize < all.length && { paging: { next: { after: String(start + pageSize) } } }),
    });
  });
  return batchAnswer(results, errors);
}
