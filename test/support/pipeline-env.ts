// api + worker + local fakes of Meta's Graph API and HubSpot's CRM API, for lifecycle → CAPI tests.
import { signHubspotV3 } from '@app/crm-testing';
import { FakeGraphApi } from '../fakes/graph-api';
import { FakeHubspotApi } from '../fakes/hubspot-api';
import { CHROME_UA, Json } from './journey-env';
import { ServiceProcess, startApi, startWorker } from './service-process';
import { HUBSPOT_SECRET, startWebhookEnv, WebhookEnv } from './webhook-env';

export const PIXEL_ID = '1234567890123';
export const META_TOKEN = 'EAAB-test-access-token';
export const HUBSPOT_TOKEN = 'pat-test-hubspot-token';

export interface PipelineEnv extends WebhookEnv {
  graph: FakeGraphApi;
  hubspot: FakeHubspotApi;
  worker: ServiceProcess;
  /** Every api replica, `api` first: all on the one database and queue prefix. */
  apis: ServiceProcess[];
  /** Every worker replica started with the env, `worker` first (a test that replaces `worker` adds none). */
  workers: ServiceProcess[];
  /** A landing with fbclid + a form: the journey a later CRM change should join. */
  landing(externalId: string, form?: Json, touch?: Json): Promise<void>;
  hubspotChange(
    objectId: number,
    subscriptionType: string,
    propertyName: string,
    value: string,
    occurredAt?: number,
  ): Promise<Response>;
  /** Waits until the lifecycle event of a CRM object reaches one of the given statuses. */
  settled(objectId: string, statuses?: string[]): Promise<Json>;
}

/** How many api and worker processes share the database and queue prefix (one of each by default). */
export interface Replicas {
  apis?: number;
  workers?: number;
}

/** Worker replica `index` calls Graph as API version v24.<index>: the fake's log tells whose request it holds. */
export const workerOfGraphRequest = (request: { version?: string }) =>
  Number(/^v\d+\.(\d+)$/.exec(request.version ?? '')?.[1] ?? 0);

export async function startPipelineEnv(
  label: string,
  extraEnv: Record<string, string> = {},
  replicas: Replicas = {},
): Promise<PipelineEnv> {
  const graph = new FakeGraphApi({ accessToken: META_TOKEN, pixelIds: [PIXEL_ID] });
  const hubspot = new FakeHubspotApi({ accessToken: HUBSPOT_TOKEN });
  const [{ url: graphUrl }, { url: hubspotUrl }] = await Promise.all([graph.start(), hubspot.start()]);
  const t = await startWebhookEnv(label, {
    META_PIXEL_ID: PIXEL_ID,
    META_ACCESS_TOKEN: META_TOKEN,
    META_GRAPH_URL: graphUrl,
    HUBSPOT_ACCESS_TOKEN: HUBSPOT_TOKEN,
    HUBSPOT_API_URL: hubspotUrl,
    ...extraEnv,
  });
  const moreApis = await Promise.all(Array.from({ length: (replicas.apis ?? 1) - 1 }, () => startApi(t.env)));
  const workers = Array.from({ length: replicas.workers ?? 1 }, (_, index) =>
    startWorker(index ? { ...t.env, META_API_VERSION: `v24.${index}` } : t.env),
  );
  await Promise.all(workers.map((replica) => replica.ready));
  const [worker] = workers;
  const closeJourneyEnv = t.close;
  const env: PipelineEnv = Object.assign(t, {
    graph,
    hubspot,
    worker,
    apis: [t.api, ...moreApis],
    workers,
    async landing(externalId: string, form: Json = {}, touch: Json = {}) {
      const landed = await t.ingest('/v1/touchpoints', {
        external_id: externalId,
        url: `https://www.shop.test/?utm_source=facebook&utm_campaign=spring&fbclid=IwAR-${externalId}-AbC`,
        fbp: 'fb.1.1700000000000.1234567890',
        ip: '203.0.113.10',
        user_agent: CHROME_UA,
        occurred_at: new Date(Date.now() - 3600_000).toISOString(),
        ...touch,
      });
      if (landed.status !== 201) throw new Error(`landing refused: ${await landed.text()}`);
      if (Object.keys(form).length) {
        const submitted = await t.ingest('/v1/forms', { external_id: externalId, ...form });
        if (submitted.status !== 201) throw new Error(`form refused: ${await submitted.text()}`);
      }
    },
    hubspotChange(
      objectId: number,
      subscriptionType: string,
      propertyName: string,
      value: string,
      occurredAt = Date.now() - 60_000,
    ) {
      const uri = `${t.api.url}/webhooks/hubspot`;
      const body = JSON.stringify([
        {
          eventId: 1,
          subscriptionId: 2,
          portalId: 62515,
          appId: 3,
          occurredAt,
          subscriptionType,
          attemptNumber: 0,
          objectId,
          propertyName,
          propertyValue: value,
        },
      ]);
      return fetch(uri, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...signHubspotV3({ uri, rawBody: body, clientSecret: HUBSPOT_SECRET }),
        },
        body,
      });
    },
    async settled(
      objectId: string,
      statuses = [
        'sent',
        'blocked_consent',
        'blocked_bot',
        'expired',
        'unjoined',
        'rejected',
        'failed',
        'duplicate',
        'erased',
      ],
    ) {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const { rows } = await t.sql.query('SELECT * FROM lifecycle_events WHERE object_id = $1', [objectId]);
        if (rows[0] && statuses.includes(rows[0].status)) return rows[0] as Json;
        if (Date.now() > deadline)
          throw new Error(
            `lifecycle event ${objectId} stuck at ${rows[0]?.status ?? 'absent'}:\n${worker.output().slice(-2000)}`,
          );
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
    close: async () => {
      // The current worker too: a test may have replaced the first.
      await Promise.all([...new Set([env.worker, ...workers])].map((replica) => replica.stop()));
      await Promise.all(moreApis.map((api) => api.stop()));
      await closeJourneyEnv();
      await Promise.all([graph.stop(), hubspot.stop()]);
    },
  });
  return env;
}
