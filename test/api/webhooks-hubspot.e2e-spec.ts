import { signHubspotV3 } from '@app/crm-testing';
import { json } from '../support/journey-env';
import { freePort, runToExit } from '../support/service-process';
import { HUBSPOT_SECRET, startWebhookEnv, WebhookEnv, writeStageMap } from '../support/webhook-env';

describe('HubSpot webhooks: verify, store, acknowledge', () => {
  let t: WebhookEnv;
  beforeAll(async () => {
    t = await startWebhookEnv('hubspot');
  });
  afterAll(() => t.close());
  const events = (provider: string) => t.events(provider);
  const post = (path: string, body: string, headers: Record<string, string>) => t.post(path, body, headers);

  describe('HubSpot', () => {
    const uri = () => `${t.api.url}/webhooks/hubspot`;
    const change = (objectId: number, stage: string, occurredAt = Date.now()) => ({
      eventId: 1,
      subscriptionId: 2,
      portalId: 62515,
      appId: 54321,
      occurredAt,
      subscriptionType: 'deal.propertyChange',
      attemptNumber: 0,
      objectId,
      propertyName: 'dealstage',
      propertyValue: stage,
      changeSource: 'CRM_UI',
      sourceId: 'userId:111',
    });
    const send = (
      body: string,
      headers = signHubspotV3({ uri: uri(), rawBody: body, clientSecret: HUBSPOT_SECRET }),
    ) => post('/webhooks/hubspot', body, { ...headers });

    it('stores a signed v3 closedwon change as one pending DealWon lifecycle event', async () => {
      const occurredAt = Date.now() - 60_000;
      const response = await send(JSON.stringify([change(9876543210, 'closedwon', occurredAt)]));
      expect(response.status).toBe(200);
      expect(await json(response)).toEqual({ received: 1, stored: 1, duplicates: 0 });
      const [event] = await events('hubspot');
      expect(event).toMatchObject({
        tenant: '62515',
        object_type: 'deal',
        object_id: '9876543210',
        stage_field: 'dealstage',
        stage: 'closedwon',
        event_name: 'DealWon',
        status: 'pending',
        hints: {
          crm_records: [{ object_type: 'deal', id: '9876543210' }],
          email_hashes: [],
          phone_hashes: [],
        },
      });
      expect(event.occurred_at.getTime()).toBe(occurredAt);
    });

    it('stores a triple delivery once (HubSpot eventId differs between retries)', async () => {
      const base = change(1111, 'qualifiedtobuy', Date.now() - 5000);
      for (const [attempt, eventId] of [
        [0, 10],
        [1, 11],
        [2, 12],
      ]) {
        const response = await send(JSON.stringify([{ ...base, attemptNumber: attempt, eventId }]));
        expect(response.status).toBe(200);
      }
      const stored = (await events('hubspot')).filter((event) => event.object_id === '1111');
      expect(stored).toHaveLength(1);
      expect(stored[0].event_name).toBe('QualifiedLead');
      const { rows } = await t.sql.query(
        `SELECT sum(duplicate_count)::int AS n FROM webhook_deliveries WHERE provider = 'hubspot'`,
      );
      expect(rows[0].n).toBe(2);
    });

    it('maps by STAGE_MAP_FILE and keeps unmapped stages, visible but not pending', async () => {
      await send(
        JSON.stringify([change(2222, 'appointmentscheduled'), change(3333, 'presentationscheduled')]),
      );
      const byId = Object.fromEntries((await events('hubspot')).map((event) => [event.object_id, event]));
      expect(byId['2222']).toMatchObject({ event_name: 'Appointment', status: 'pending' });
      expect(byId['3333']).toMatchObject({ event_name: null, status: 'unmapped' });
      expect(byId['3333'].status_reason).toContain('presentationscheduled');
    });

    it('takes a batch of 100', async () => {
      const body = JSON.stringify(Array.from({ length: 100 }, (_, i) => change(50_000 + i, 'closedwon')));
      expect(await json(await send(body))).toEqual({ received: 100, stored: 100, duplicates: 0 });
    });

    it.each([
      [
        'forged',
        (body: string) => signHubspotV3({ uri: uri(), rawBody: body, clientSecret: 'not-the-secret' }),
      ],
      [
        'stale',
        (body: string) =>
          signHubspotV3({
            uri: uri(),
            rawBody: body,
            clientSecret: HUBSPOT_SECRET,
            timestamp: Date.now() - 6 * 60_000,
          }),
      ],
      [
        'signed for another URL',
        (body: string) => signHubspotV3({ uri: `${uri()}?x=1`, rawBody: body, clientSecret: HUBSPOT_SECRET }),
      ],
      [
        'tampered',
        (body: string) =>
          signHubspotV3({
            uri: uri(),
            rawBody: body.replace('closedwon', 'closedlost'),
            clientSecret: HUBSPOT_SECRET,
          }),
      ],
      ['unsigned', () => ({})],
    ])('refuses a %s delivery with 401 and stores nothing', async (_name, sign) => {
      const before = await t.count('webhook_deliveries');
      const body = JSON.stringify([change(4444, 'closedwon')]);
      const response = await send(body, sign(body) as ReturnType<typeof signHubspotV3>);
      expect(response.status).toBe(401);
      expect(await t.count('webhook_deliveries')).toBe(before);
      expect((await events('hubspot')).some((event) => event.object_id === '4444')).toBe(false);
    });

    it('answers 400 naming the field for a signed but malformed delivery', async () => {
      const body = JSON.stringify([{ ...change(5555, 'closedwon'), occurredAt: 'yesterday' }]);
      const response = await send(body);
      expect(response.status).toBe(400);
      expect((await json(response)).message).toContain('occurredAt');
    });
  });

  it('counts received and rejected deliveries in /metrics', async () => {
    const text = await (await fetch(`${t.api.url}/metrics`)).text();
    expect(text).toMatch(/journey_webhooks_received_total\{provider="hubspot"\} [1-9]/);
    expect(text).toMatch(
      /journey_webhooks_rejected_total\{provider="hubspot",reason="bad_signature"\} [1-9]/,
    );
  });
});

describe('STAGE_MAP_FILE validation', () => {
  it('stops the api at start-up, naming the file and each bad rule', async () => {
    const file = writeStageMap({
      hubspot: [{ objectType: 'ticket', stageField: 'x', stage: 'y', eventName: 'Z' }],
    });
    const { code, output } = await runToExit('api', {
      PORT: String(await freePort()),
      STAGE_MAP_FILE: file,
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/postgres',
    });
    expect(code).toBe(1);
    expect(output).toContain('STAGE_MAP_FILE is invalid');
    expect(output).toContain('hubspot[0].objectType');
  });
});
