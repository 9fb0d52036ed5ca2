// The pipeline benchmark's traffic: journeys seeded through the public ingest endpoints, and HubSpot
// webhook deliveries shaped like HubSpot's own batches.
'use strict';

const INGEST_KEY = 'bench-ingest-key-0123456789';
const DEAL_BASE = 9_000_000_000; // HubSpot object ids are numbers
const PER_DELIVERY = 100; // HubSpot batches up to 100 events per webhook request
const UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

/** Runs `task(item, index)` over items with at most `limit` in flight; stops and rejects on a failure. */
async function inPool(items, limit, task) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      try {
        await task(items[index], index);
      } catch (error) {
        next = items.length; // the other lanes take nothing new
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

async function post(url, body, headers) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${text.slice(0, 500)}`);
}

/**
 * The other platforms' click id on journey i's landing, in turn (every journey keeps its fbclid, so Meta's
 * figures stay comparable with earlier runs): a third of the events reach Google, TikTok and LinkedIn with
 * their own click id and the rest by hashed email alone, so both kinds of event go through each of them.
 */
function otherClickId(i) {
  if (i % 3 === 0) return `gclid=Cj0KCQiA-bench-${i}`;
  if (i % 3 === 1) return `ttclid=E.C.P.bench-${i}`;
  return `li_fat_id=00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
}

/** How many of `count` journeys carry each platform's click id (see otherClickId). */
const clickIdCounts = (count) => ({
  gclid: Math.ceil(count / 3),
  ttclid: Math.ceil((count - 1) / 3),
  li_fat_id: Math.ceil((count - 2) / 3),
});

/**
 * A landing with fbclid, another platform's click id + UTMs (see otherClickId), then a form with an email
 * and the deal id, so the deal joins at crm_link
 * (no HubSpot API token is configured). Through the public endpoints, 50 journeys in flight, so the rows
 * the worker reads (visitor with fbc, touchpoints, identities, crm_links, form_submissions) are exactly
 * what ingest writes; SQL-written rows would drift from it. Ingest runs ~3,900 req/s on a quiet 2-core
 * machine (README), so 10,000 journeys take ~10 s there; 35-100 s were seen with other runs sharing the
 * machine's Postgres, which is setup time only (not part of the figures).
 */
async function seed(apiUrl, count) {
  const ids = Array.from({ length: count }, (_, i) => i);
  const key = { 'x-api-key': INGEST_KEY };
  const occurredAt = new Date(Date.now() - 3600_000).toISOString();
  await inPool(ids, 50, async (i) => {
    const externalId = `bench-pl-${i}`;
    const touch = {
      external_id: externalId,
      url: `https://www.shop.test/landing?utm_source=facebook&utm_medium=paid&utm_campaign=bench&fbclid=IwAR-bench-${i}&${otherClickId(i)}`,
      ip: '203.0.113.10',
      user_agent: UA,
      occurred_at: occurredAt,
    };
    await post(`${apiUrl}/v1/touchpoints`, JSON.stringify(touch), key);
    const form = {
      external_id: externalId,
      email: `bench-${i}@example.com`,
      crm_ids: { hubspot_deal_id: String(DEAL_BASE + i) },
    };
    await post(`${apiUrl}/v1/forms`, JSON.stringify(form), key);
  });
}

/** One HubSpot webhook batch: a dealstage change per deal (HubSpot's real batch shape). */
const deliveryBody = (dealIds, occurredAt, delivery, stage = 'closedwon') =>
  JSON.stringify(
    dealIds.map((objectId, i) => ({
      eventId: (stage === 'closedwon' ? 0 : 1e9) + delivery * PER_DELIVERY + i + 1,
      subscriptionId: 2,
      portalId: 62515,
      appId: 3,
      occurredAt,
      subscriptionType: 'deal.propertyChange',
      attemptNumber: 0,
      objectId: Number(objectId),
      propertyName: 'dealstage',
      propertyValue: stage,
    })),
  );

/** Runs `task(item, index)` for each item at a steady rate (`perSecond` starts), whatever the answers take. */
async function paced(items, perSecond, task) {
  const started = Date.now();
  await Promise.all(
    items.map(async (item, index) => {
      await new Promise((resolve) => setTimeout(resolve, started + (index * 1000) / perSecond - Date.now()));
      await task(item, index);
    }),
  );
}

module.exports = {
  DEAL_BASE,
  INGEST_KEY,
  PER_DELIVERY,
  clickIdCounts,
  deliveryBody,
  inPool,
  paced,
  post,
  seed,
};
