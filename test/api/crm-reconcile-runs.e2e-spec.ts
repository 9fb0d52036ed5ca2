import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sha256Hex } from '@app/journey';
import { Queue } from 'bullmq';
// The queue name only: @app/queues' index would load Nest, which Jest does not.
import { CRM_RECONCILE_QUEUE } from '../../libs/queues/src/crm-reconcile';
import { FakeGoHighLevelApi } from '../fakes/gohighlevel-api';
import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';

const GHL_TOKEN = 'pit-test-highlevel-token';

/** An interrupted sweep, a backfill run twice, HighLevel's email join, and who found each change (`source`). */
describe('CRM reconciliation runs: resumed, repeated and marked with their source', () => {
  let t: PipelineEnv;
  const highlevel = new FakeGoHighLevelApi({ token: GHL_TOKEN });

  beforeAll(async () => {
    const { url } = await highlevel.start();
    t = await startPipelineEnv('reconcile-runs', {
      DEFAULT_CURRENCY: 'USD',
      GHL_API_URL: url,
      GHL_API_TOKEN: GHL_TOKEN,
      GHL_LOCATION_ID: highlevel.locationId,
      GHL_EXTERNAL_ID_FIELD: 'journeyExternalIdField',
      // Only the sweeps the tests start run while they do.
      CRM_RECONCILE_MINUTES: '60',
    });
  });
  afterAll(async () => {
    await t?.close();
    await highlevel.stop();
  });

  /** `npm run crm:backfill`: its exit code and output, whether it failed or not. */
  const backfill = async (crm: string, since = '1d') => {
    try {
      const { stdout } = await promisify(execFile)(
        'node',
        ['scripts/crm-backfill.js', '--crm', crm, '--since', since],
        { env: { PATH: process.env.PATH ?? '', ...t.env, LOG_LEVEL: 'info' } },
      );
      return { code: 0, stdout };
    } catch (error) {
      const failed = error as { code: number; stdout: string };
      return { code: failed.code, stdout: failed.stdout };
    }
  };
  /** One scheduled-style sweep (from the cursor) by the running worker. */
  const sweep = async (crm: string) => {
    const queue = new Queue(CRM_RECONCILE_QUEUE, {
      connection: { url: t.env.REDIS_URL },
      prefix: t.env.QUEUE_PREFIX,
    });
    try {
      const job = await queue.add('sweep-now', { crm }, { attempts: 1 });
      const deadline = Date.now() + 20_000;
      for (let state = await job.getState(); state !== 'completed'; state = await job.getState()) {
        if (state === 'failed' || Date.now() > deadline) throw new Error(`sweep job ${state}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      await queue.close();
    }
  };
  const cursorOf = async (provider: string, objectType: string) =>
    (
      await t.sql.query<{ cursor: Date }>(
        'SELECT cursor FROM crm_reconcile_cursors WHERE provider = $1 AND object_type = $2',
        [provider, objectType],
      )
    ).rows[0]?.cursor;
  const rowsOf = async (ids: string[]) =>
    (
      await t.sql.query<{ object_id: string; source: string }>(
        'SELECT object_id, source FROM lifecycle_events WHERE object_id = ANY($1) ORDER BY object_id',
        [ids],
      )
    ).rows;
  const sentFor = (eventId: string) => t.graph.events().filter((event) => event.event_id === eventId);
  /** The counter's value for a source and provider (prom-client may print the labels in either order). */
  const counted = (text: string, source: string, provider: string) =>
    text
      .split('\n')
      .filter((line) => line.startsWith('journey_lifecycle_changes_total{'))
      .filter((line) => line.includes(`source="${source}"`) && line.includes(`provider="${provider}"`))
      .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);

  it('resumes a sweep interrupted mid-run from its cursor: every change stored once', async () => {
    // 120 deals won two hours ago, a second apart: HubSpot's search serves 100 a page.
    const base = Date.now() - 2 * 3600_000;
    const ids = Array.from({ length: 120 }, (_, i) => String(70_000 + i));
    ids.forEach((id, i) => {
      t.hubspot.addDeal({ id, contactIds: [] });
      t.hubspot.setStage('deal', id, 'closedwon', new Date(base + i * 1000));
    });
    t.hubspot.failSearchPage('100');

    const first = await backfill('hubspot');
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('backfill failed');
    // The first page was stored and the cursor moved past it, not further.
    expect((await rowsOf(ids)).map((row) => row.object_id)).toEqual(ids.slice(0, 100));
    expect((await cursorOf('hubspot', 'deal'))?.getTime()).toBe(base + 99_000);

    await sweep('hubspot');
    const rows = await rowsOf(ids);
    expect(rows.map((row) => row.object_id)).toEqual(ids);
    expect(rows.filter((row) => row.source === 'backfill')).toHaveLength(100);
    expect(rows.filter((row) => row.source === 'reconcile')).toHaveLength(20);
    expect((await cursorOf('hubspot', 'deal'))?.getTime()).toBe(base + 119_000);
  });

  it('stores each change once when the backfill runs twice, and says so both times', async () => {
    t.hubspot.addDeal({ id: '9201', contactIds: [] });
    t.hubspot.setStage('deal', '9201', 'closedwon', new Date(Date.now() - 60_000));
    const since = new Date(Date.now() - 10 * 60_000).toISOString();

    const first = await backfill('hubspot', since);
    const second = await backfill('hubspot', since);
    expect(first.stdout).toMatch(/HubSpot backfill done: \d+ changes found, 1 stored, 0 already known/);
    expect(second.stdout).toMatch(/HubSpot backfill done: \d+ changes found, 0 stored, 1 already known/);
    expect(await rowsOf(['9201'])).toEqual([{ object_id: '9201', source: 'backfill' }]);
  });

  it("joins a HighLevel won opportunity through its contact's email read from the API", async () => {
    await t.landing('visitor-ghl-email', { email: 'ghl.email@example.com' });
    const wonAt = new Date(Date.now() - 60_000).toISOString();
    highlevel.addContact({ id: 'ghl-contact-email', email: 'GHL.Email@example.com' });
    highlevel.addOpportunity({
      id: 'ghl-opp-email',
      contactId: 'ghl-contact-email',
      status: 'won',
      monetaryValue: 120,
      lastStatusChangeAt: wonAt,
      updatedAt: wonAt,
    });

    expect((await backfill('gohighlevel')).stdout).toMatch(/HighLevel backfill done: .*, 1 stored/);
    const event = await t.settled('ghl-opp-email');
    // The API's contact carries no journey id: its email (hashed as read) is what joins, in the email step.
    expect(event).toMatchObject({ status: 'sent', join_method: 'email', event_name: 'DealWon' });
    const sent = sentFor(event.event_id);
    expect(sent).toHaveLength(1);
    expect(sent[0].user_data).toMatchObject({ external_id: [sha256Hex('visitor-ghl-email')] });
    expect(sent[0].custom_data).toMatchObject({ value: 120, lead_event_source: 'GoHighLevel' });
    expect(highlevel.requests().some((request) => request.path === '/contacts/ghl-contact-email')).toBe(true);
  });

  it('marks webhook, reconcile and backfill changes in the inbox, the journey view and /metrics', async () => {
    await t.landing('visitor-sources', { email: 'sources@example.com' });
    t.hubspot.addContact({ id: '701', externalId: 'visitor-sources' });
    for (const id of ['9301', '9302', '9303']) t.hubspot.addDeal({ id, contactIds: ['701'] });
    const at = Date.now() - 60_000;

    expect((await t.hubspotChange(9301, 'deal.propertyChange', 'dealstage', 'closedwon', at)).status).toBe(
      200,
    );
    t.hubspot.setStage('deal', '9302', 'closedwon', new Date(at));
    await sweep('hubspot');
    t.hubspot.setStage('deal', '9303', 'closedwon', new Date(at));
    await backfill('hubspot', new Date(at - 1000).toISOString());
    for (const id of ['9301', '9302', '9303']) await t.settled(id);

    expect(await rowsOf(['9301', '9302', '9303'])).toEqual([
      { object_id: '9301', source: 'webhook' },
      { object_id: '9302', source: 'reconcile' },
      { object_id: '9303', source: 'backfill' },
    ]);
    const { rows } = await t.sql.query(
      `SELECT e.object_id, d.scheme FROM lifecycle_events e JOIN webhook_deliveries d ON d.id = e.delivery_id
       WHERE e.object_id IN ('9302', '9303') ORDER BY e.object_id`,
    );
    expect(rows).toEqual([
      { object_id: '9302', scheme: 'reconcile' },
      { object_id: '9303', scheme: 'backfill' },
    ]);

    const journey = (await (await t.admin('GET', '/v1/journeys/visitor-sources')).json()) as {
      lifecycle_events: { object_id: string; source: string }[];
    };
    expect(journey.lifecycle_events.map(({ object_id, source }) => ({ object_id, source })).sort()).toEqual(
      expect.arrayContaining([
        { object_id: '9301', source: 'webhook' },
        { object_id: '9302', source: 'reconcile' },
        { object_id: '9303', source: 'backfill' },
      ]),
    );

    // Counted where each is stored: the api for webhooks, the worker for its sweeps (a backfill's counter
    // lives in its own short process, which nothing scrapes).
    const apiMetrics = await (await fetch(`${t.api.url}/metrics`)).text();
    expect(counted(apiMetrics, 'webhook', 'hubspot')).toBeGreaterThanOrEqual(1);
    const port = /worker metrics listening on [\d.]+:(\d+)/.exec(t.worker.output())?.[1];
    const workerMetrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(counted(workerMetrics, 'reconcile', 'hubspot')).toBeGreaterThanOrEqual(21);
  });
});
