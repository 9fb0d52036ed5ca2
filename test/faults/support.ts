// Shared helpers for the fault drills: signed HubSpot closedwon deliveries for deals linked to a landed
// visitor, and the exactly-once check (every accepted change → one lifecycle event `sent` → one accepted
// CAPI event at the Graph fake, no loss, no double).
import { isDeepStrictEqual } from 'node:util';
import Redis from 'ioredis';
import { signHubspotV3 } from '@app/crm-testing';
import { Json } from '../support/journey-env';
import { PipelineEnv, workerOfGraphRequest } from '../support/pipeline-env';
import type { ServiceProcess } from '../support/service-process';
import { HUBSPOT_SECRET } from '../support/webhook-env';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Lands `externalId` (with `form`, e.g. an email other destinations can match on) and links every deal id to
 * it (crm_links), so each change joins at `crm_link`.
 */
export async function landWithDeals(
  t: PipelineEnv,
  externalId: string,
  dealIds: string[],
  form: Json = {},
): Promise<void> {
  await t.landing(externalId, form);
  await t.sql.query(
    `INSERT INTO crm_links (id, visitor_id, provider, object_type, crm_id)
     SELECT gen_random_uuid(), v.id, 'hubspot', 'deal', d FROM visitors v, unnest($2::text[]) d WHERE v.external_id = $1`,
    [externalId, dealIds],
  );
}

/** `count` consecutive deal ids starting at `first`, as strings. */
export const dealIds = (first: number, count: number) =>
  Array.from({ length: count }, (_, i) => String(first + i));

/** Splits ids into chunks of `size` (one webhook delivery each). */
export const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/** One HubSpot app webhook batch body: a closedwon dealstage change per deal (fixed occurredAt). */
export function deliveryBody(ids: string[], occurredAt = Date.now() - 60_000): string {
  return JSON.stringify(
    ids.map((objectId, i) => ({
      eventId: Number(objectId) * 10 + i,
      subscriptionId: 2,
      portalId: 62515,
      appId: 3,
      occurredAt,
      subscriptionType: 'deal.propertyChange',
      attemptNumber: 0,
      objectId: Number(objectId),
      propertyName: 'dealstage',
      propertyValue: 'closedwon',
    })),
  );
}

/**
 * POSTs a body to /webhooks/hubspot, freshly signed (v3, current timestamp), as HubSpot does on each retry;
 * `replica` picks the api (modulo their number), as a load balancer would.
 */
export function post(t: PipelineEnv, body: string, replica = 0): Promise<Response> {
  const uri = `${t.apis[replica % t.apis.length].url}/webhooks/hubspot`;
  return fetch(uri, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...signHubspotV3({ uri, rawBody: body, clientSecret: HUBSPOT_SECRET }),
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
}

/**
 * Delivers like HubSpot: re-sends the same body (re-signed) on any non-2xx answer or network error, with a
 * short back-off, until it is accepted. Returns every status seen (network errors as 0).
 */
export async function deliverUntilAccepted(
  t: PipelineEnv,
  body: string,
  timeoutMs = 45_000,
): Promise<number[]> {
  const seen: number[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let status: number;
    try {
      const response = await post(t, body);
      status = response.status;
      await response.arrayBuffer();
    } catch {
      status = 0;
    }
    seen.push(status);
    if (status >= 200 && status < 300) return seen;
    if (Date.now() > deadline)
      throw new Error(
        `delivery never accepted; statuses ${seen.slice(0, 20).join(',')}… (${seen.length} tries); api exit ` +
          `${t.api.child.exitCode ?? '-'}/${t.api.child.signalCode ?? '-'}:\n${t.api.output().slice(-3000)}`,
      );
    await sleep(250);
  }
}

export interface Tally {
  byStatus: Record<string, number>;
  rows: Json[];
}

/** The lifecycle events of the given deals, with a count per status. */
export async function tally(t: PipelineEnv, ids: string[]): Promise<Tally> {
  const { rows } = await t.sql.query(
    `SELECT l.id, l.object_id, l.status, l.status_reason, c.event_id, l.enqueued_at, l.enqueue_count, l.job_id
     FROM lifecycle_events l LEFT JOIN dispatches c ON c.lifecycle_event_id = l.id AND c.platform = 'meta'
     WHERE l.provider = 'hubspot' AND l.object_id = ANY($1)`,
    [ids],
  );
  const byStatus: Record<string, number> = {};
  for (const row of rows) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
  return { byStatus, rows };
}

/** Polls until every deal's lifecycle event is `sent` (or the time is up); returns the last tally. */
export async function waitAllSent(t: PipelineEnv, ids: string[], timeoutMs: number): Promise<Tally> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const now = await tally(t, ids);
    if ((now.byStatus.sent ?? 0) >= ids.length || Date.now() > deadline) return now;
    await sleep(250);
  }
}

/** Everything that tells exactly-once apart from loss or doubles, for one set of deals. */
export async function deliveryReport(t: PipelineEnv, ids: string[]) {
  const { byStatus, rows } = await tally(t, ids);
  const eventIds = new Set(rows.map((row) => row.event_id as string).filter(Boolean));
  const atGraph = t.graph.events().filter((event) => eventIds.has(event.event_id as string));
  const uniqueAtGraph = new Set(atGraph.map((event) => event.event_id)).size;
  const { rows: capi } = await t.sql.query(
    `SELECT c.status, count(*)::int AS n FROM dispatches c JOIN lifecycle_events l ON l.id = c.lifecycle_event_id
     WHERE c.platform = 'meta' AND l.provider = 'hubspot' AND l.object_id = ANY($1) GROUP BY c.status`,
    [ids],
  );
  const perObject: Record<string, number> = {};
  for (const row of rows) perObject[row.object_id] = (perObject[row.object_id] ?? 0) + 1;
  const sentEventIds = rows.filter((row) => row.status === 'sent').map((row) => row.event_id as string);
  const graphCount = new Map<string, number>();
  for (const event of atGraph)
    graphCount.set(event.event_id as string, (graphCount.get(event.event_id as string) ?? 0) + 1);
  const missing = sentEventIds.filter((id) => !graphCount.has(id));
  const doubled = [...graphCount].filter(([, n]) => n > 1).map(([id]) => id);
  const detail = async (eventId: string) => ({
    event_id: eventId,
    object_id: rows.find((row) => row.event_id === eventId)?.object_id,
    atGraph: graphCount.get(eventId) ?? 0,
    graphRequests: t.graph
      .requests()
      .filter((request) => request.data.some((event) => event.event_id === eventId))
      .map((request) => ({ status: request.status, events: request.data.length })),
    capi: (
      await t.sql.query(
        `SELECT c.status, c.attempts, c.sent_at, r.outcome, r.response_status, r.event_count, r.created_at
         FROM dispatches c LEFT JOIN destination_requests r ON r.id = c.request_id
         WHERE c.platform = 'meta' AND c.event_id = $1`,
        [eventId],
      )
    ).rows,
  });
  return {
    processes: {
      apis: t.apis.map(exitOf),
      workers: [...new Set([...t.workers, t.worker])].map(exitOf),
    },
    queues: { lifecycle: await queueCounts(t, 'lifecycle'), dispatch: await queueCounts(t, 'dispatch') },
    // Per worker replica (its Graph API version tag): whether every worker took a share.
    graphRequestsByWorker: t.graph.requests().reduce<Record<number, number>>((counts, request) => {
      const worker = workerOfGraphRequest(request);
      counts[worker] = (counts[worker] ?? 0) + 1;
      return counts;
    }, {}),
    missingAtGraph: await Promise.all(missing.slice(0, 5).map(detail)),
    doubledAtGraph: await Promise.all(doubled.slice(0, 5).map(detail)),
    lifecycleRows: rows.length,
    distinctObjects: Object.keys(perObject).length,
    byStatus,
    capiByStatus: Object.fromEntries(capi.map((row: Json) => [row.status, row.n])),
    uniqueAtGraph,
    totalAtGraph: atGraph.length,
    notSent: await Promise.all(
      rows
        .filter((row) => row.status !== 'sent')
        .slice(0, 10)
        .map(async (row) => ({
          job: await jobState(t, row.job_id ?? `${row.id}-${row.enqueue_count}`),
          object_id: row.object_id,
          status: row.status,
          reason: row.status_reason,
          enqueued_at: row.enqueued_at,
          enqueue_count: row.enqueue_count,
        })),
    ),
  };
}

const exitOf = (service: ServiceProcess) => service.child.exitCode ?? service.child.signalCode ?? 'running';

/** Every change one lifecycle event and one CAPI event, all sent, each event_id at Graph. */
const allSentOnce = (n: number) => ({
  lifecycleRows: n,
  distinctObjects: n,
  byStatus: { sent: n },
  capiByStatus: { sent: n },
  uniqueAtGraph: n,
  notSent: [],
});

/** The exactly-once assertion: N lifecycle events, all sent, N unique event_ids at Graph, N events in all. */
export async function expectExactlyOnce(t: PipelineEnv, ids: string[]): Promise<void> {
  const report = await deliveryReport(t, ids);
  expect(report).toMatchObject({
    ...allSentOnce(ids.length),
    totalAtGraph: ids.length,
    missingAtGraph: [],
    doubledAtGraph: [],
  });
}

/**
 * The guarantee when a crash can fall between Meta's 200 and our commit (a cut Postgres connection, a killed
 * worker): nothing lost, one `sent` row each, and any event Graph saw twice carried the same event_id both
 * times, which Meta deduplicates (48 h window). A send and a database commit cannot be one atomic step.
 */
export async function expectNoLossAndDeduplicable(t: PipelineEnv, ids: string[]): Promise<void> {
  const report = await deliveryReport(t, ids);
  expect(report).toMatchObject({ ...allSentOnce(ids.length), missingAtGraph: [] });
}

/** What one event_id went through at Graph, when it went there more than once. */
export interface Repeat {
  event_id: string;
  object_id: string;
  /** Each accepted Graph request that carried it, by position in the fake's log. */
  carriers: {
    request: number;
    events: number;
    fbtrace_id?: string;
    /** The request whose fbtrace_id the event's row was marked sent with. */
    marked_sent: boolean;
    /** Sent before the restart, and no row was marked sent with it. */
    in_flight: boolean;
    /** Same event_name and payload as the stored row. */
    same_event: boolean;
  }[];
  /** Why this repeat is not the deduplicable kind; undefined when it is. */
  problem?: string;
}

/**
 * The event_ids Graph accepted more than once, each checked against the one repeat a killed worker may cause:
 * the killed worker's request (one of the first `beforeRestart` Graph requests, those before the kill) was
 * accepted, but no row was marked sent with it (it was in flight: the worker died before its commit); the
 * event then went once more, identical (same event_id, event_name and payload, which Meta deduplicates), in
 * the request that marked it sent, from a restarted or surviving worker, after the kill. Rows are tied to Graph requests by fbtrace_id (destination_requests.trace_id ==
 * the fake's answer). Any other repeat (two sends by one worker, a different payload, three carriers) has a
 * `problem`.
 */
export async function repeatsAtGraph(
  t: PipelineEnv,
  ids: string[],
  beforeRestart: number,
): Promise<Repeat[]> {
  const { rows } = await t.sql.query(
    `SELECT c.event_id, c.event_name, c.payload, l.object_id, r.trace_id AS fbtrace_id
     FROM dispatches c JOIN lifecycle_events l ON l.id = c.lifecycle_event_id
     LEFT JOIN destination_requests r ON r.id = c.request_id
     WHERE c.platform = 'meta' AND l.provider = 'hubspot' AND l.object_id = ANY($1)`,
    [ids],
  );
  const committed = new Set(rows.map((row) => row.fbtrace_id as string | null).filter(Boolean));
  const accepted = t.graph
    .requests()
    .map((request, index) => ({
      index,
      request,
      fbtrace: (request.response as { fbtrace_id?: string } | undefined)?.fbtrace_id,
    }))
    .filter(({ request }) => request.status === 200);
  const repeats: Repeat[] = [];
  for (const row of rows) {
    const carrying = accepted.filter(({ request }) =>
      request.data.some((event) => event.event_id === row.event_id),
    );
    if (carrying.length < 2) continue;
    const carriers = carrying.map(({ index, request, fbtrace }) => ({
      request: index,
      events: request.data.length,
      fbtrace_id: fbtrace,
      marked_sent: fbtrace !== undefined && fbtrace === row.fbtrace_id,
      in_flight: index < beforeRestart && !(fbtrace !== undefined && committed.has(fbtrace)),
      same_event: request.data
        .filter((event) => event.event_id === row.event_id)
        .every((event) => event.event_name === row.event_name && isDeepStrictEqual(event, row.payload)),
    }));
    const sending = carriers.filter((carrier) => carrier.marked_sent);
    const others = carriers.filter((carrier) => !carrier.marked_sent);
    const problem =
      carriers.length !== 2
        ? `${carriers.length} accepted requests carried it`
        : carriers.some((carrier) => !carrier.same_event)
          ? 'the copies differ (event_name or payload)'
          : sending.length !== 1 || sending[0].request < beforeRestart
            ? 'not marked sent by a request after the kill'
            : !others[0].in_flight
              ? 'its other request was not one the killed worker had in flight'
              : undefined;
    repeats.push({
      event_id: row.event_id,
      object_id: row.object_id,
      carriers,
      problem,
    });
  }
  return repeats;
}

/** Where a lifecycle job is in BullMQ (for reports on stuck rows). */
async function jobState(t: PipelineEnv, jobId: string): Promise<string> {
  const client = new Redis(t.env.REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await client.connect();
    const key = `${t.env.QUEUE_PREFIX}:lifecycle`;
    if (!(await client.exists(`${key}:${jobId}`))) return 'no job in Redis';
    const states: string[] = [];
    for (const list of ['wait', 'active', 'paused']) {
      if ((await client.lpos(`${key}:${list}`, jobId)) !== null) states.push(list);
    }
    for (const zset of ['delayed', 'prioritized', 'completed', 'failed']) {
      if ((await client.zscore(`${key}:${zset}`, jobId)) !== null) states.push(zset);
    }
    // BullMQ keeps attempts made in the job hash as `atm`.
    const fields = await client.hmget(`${key}:${jobId}`, 'atm', 'stc', 'failedReason');
    return `${states.join('+') || 'no state'} attemptsMade=${fields[0]} stalled=${fields[1]} failed=${fields[2] ?? ''}`;
  } catch (error) {
    return `redis error: ${String(error)}`;
  } finally {
    client.disconnect();
  }
}

/** Job counts per state of one BullMQ queue (for reports). */
async function queueCounts(t: PipelineEnv, queue: string): Promise<Record<string, number> | string> {
  const client = new Redis(t.env.REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await client.connect();
    const key = `${t.env.QUEUE_PREFIX}:${queue}`;
    const counts: Record<string, number> = {};
    for (const list of ['wait', 'active', 'paused']) counts[list] = await client.llen(`${key}:${list}`);
    for (const zset of ['delayed', 'prioritized', 'completed', 'failed'])
      counts[zset] = await client.zcard(`${key}:${zset}`);
    counts.stalled = await client.scard(`${key}:stalled`);
    return counts;
  } catch (error) {
    return `redis error: ${String(error)}`;
  } finally {
    client.disconnect();
  }
}

/** Writes a drill's figures to the test output (the report quotes them). */
export const note = (label: string, value: unknown) =>
  process.stderr.write(
    `[fault drill] ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`,
  );
