import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  buildOutboundMessage,
  randomSalesforceId,
  signHighLevelEd25519,
  signHighLevelRsa,
  signHubspotV3,
  toSalesforceId18,
} from '@app/crm';
import { sha256Hex } from '@app/journey';
import { json, Json, JourneyEnv, startJourneyEnv } from '../support/journey-env';
import { freePort, runToExit } from '../support/service-process';

const HUBSPOT_SECRET = 'hubspot-client-secret-for-tests';
const WORKFLOW_SECRET = 'ghl-workflow-secret-for-tests';
const ORG_ID = toSalesforceId18('00D5e000000AbCd')!;
const ed25519 = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (key: { export(options: object): string | Buffer }, type: 'spki' | 'pkcs8') =>
  String(key.export({ type, format: 'pem' }));

describe('CRM webhooks: verify, store, acknowledge', () => {
  let t: JourneyEnv;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-map-'));
    const stageMapFile = join(dir, 'stages.json');
    writeFileSync(
      stageMapFile,
      JSON.stringify({
        hubspot: [
          {
            objectType: 'deal',
            stageField: 'dealstage',
            stage: 'appointmentscheduled',
            eventName: 'Appointment',
          },
        ],
        gohighlevel: [
          {
            objectType: 'opportunity',
            stageField: 'pipelineStageId',
            stage: 'stage-qualified',
            eventName: 'QualifiedLead',
          },
        ],
      }),
    );
    t = await startJourneyEnv('webhooks', {
      HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET,
      GHL_WEBHOOK_PUBLIC_KEY: pem(ed25519.publicKey, 'spki'),
      GHL_WEBHOOK_RSA_PUBLIC_KEY: pem(rsa.publicKey, 'spki'),
      GHL_WORKFLOW_SECRET: WORKFLOW_SECRET,
      SALESFORCE_ORG_IDS: ORG_ID,
      STAGE_MAP_FILE: stageMapFile,
    });
  });
  afterAll(() => t.close());

  const events = async (provider: string): Promise<Json[]> =>
    (
      await t.sql.query(
        `SELECT * FROM lifecycle_events WHERE provider = $1 ORDER BY occurred_at, object_id`,
        [provider],
      )
    ).rows;
  const post = (path: string, body: string, headers: Record<string, string>) =>
    fetch(`${t.api.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

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

  describe('HighLevel', () => {
    const opportunity = (over: Json) => ({
      type: 'OpportunityStatusUpdate',
      locationId: 've9EPM428h8vShlRW1KT',
      id: 'opp-1',
      assignedTo: 'user-1',
      contactId: 'contact-1',
      monetaryValue: 2500,
      name: 'Kitchen remodel',
      pipelineId: 'pipe-1',
      pipelineStageId: 'stage-1',
      source: 'facebook',
      status: 'won',
      timestamp: new Date().toISOString(),
      webhookId: 'wh-1',
      ...over,
    });

    it('stores an Ed25519-signed OpportunityStatusUpdate won as DealWon with its value and contact', async () => {
      const body = JSON.stringify(opportunity({}));
      const response = await post('/webhooks/gohighlevel', body, {
        'x-ghl-signature': signHighLevelEd25519(body, pem(ed25519.privateKey, 'pkcs8')),
      });
      expect(response.status).toBe(200);
      const [event] = await events('gohighlevel');
      expect(event).toMatchObject({
        tenant: 've9EPM428h8vShlRW1KT',
        object_type: 'opportunity',
        object_id: 'opp-1',
        stage: 'won',
        won: true,
        event_name: 'DealWon',
        status: 'pending',
        value: '2500.00',
        hints: { crm_records: expect.arrayContaining([{ object_type: 'contact', id: 'contact-1' }]) },
      });
    });

    it('recognises a re-delivered webhookId', async () => {
      const body = JSON.stringify(opportunity({}));
      const response = await post('/webhooks/gohighlevel', body, {
        'x-ghl-signature': signHighLevelEd25519(body, pem(ed25519.privateKey, 'pkcs8')),
      });
      expect(await json(response)).toMatchObject({ stored: 0, duplicates: 1 });
      expect(await events('gohighlevel')).toHaveLength(1);
    });

    it('accepts the legacy RSA X-WH-Signature and maps a configured stage id', async () => {
      const body = JSON.stringify(
        opportunity({
          type: 'OpportunityStageUpdate',
          id: 'opp-2',
          status: 'open',
          pipelineStageId: 'stage-qualified',
          webhookId: 'wh-2',
        }),
      );
      const response = await post('/webhooks/gohighlevel', body, {
        'x-wh-signature': signHighLevelRsa(body, pem(rsa.privateKey, 'pkcs8')),
      });
      expect(response.status).toBe(200);
      expect((await events('gohighlevel')).find((event) => event.object_id === 'opp-2')).toMatchObject({
        stage_field: 'pipelineStageId',
        event_name: 'QualifiedLead',
      });
    });

    it('stores workflow webhooks carrying the shared secret, hashing contact data at once', async () => {
      const body = JSON.stringify({
        contact_id: 'contact-9',
        email: 'Workflow.Person@Example.com',
        phone: '+1 415 555 0100',
        location: { id: 've9EPM428h8vShlRW1KT' },
        customData: {
          journey_external_id: 'visitor-9',
          stage: 'won',
          opportunity_id: 'opp-9',
          value: '990',
          currency: 'usd',
          event_id: 'evt-9',
        },
      });
      const response = await post('/webhooks/gohighlevel', body, { 'x-journey-secret': WORKFLOW_SECRET });
      expect(response.status).toBe(200);
      const event = (await events('gohighlevel')).find((row) => row.object_id === 'opp-9');
      expect(event).toMatchObject({ event_name: 'DealWon', value: '990.00', currency: 'USD' });
      expect(event!.hints).toMatchObject({
        external_id: 'visitor-9',
        email_hashes: [sha256Hex('workflow.person@example.com')],
      });
      expect(JSON.stringify(event)).not.toContain('Workflow.Person');
    });

    it.each([
      [
        'a signature from another key',
        {
          'x-ghl-signature': signHighLevelEd25519(
            '{}',
            pem(generateKeyPairSync('ed25519').privateKey, 'pkcs8'),
          ),
        },
      ],
      ['a wrong workflow secret', { 'x-journey-secret': 'guess-guess-guess-guess' }],
      ['no signature', {}],
    ])('refuses %s with 401', async (_name, headers) => {
      const before = await t.count('webhook_deliveries');
      const response = await post(
        '/webhooks/gohighlevel',
        JSON.stringify(opportunity({ id: 'opp-x', webhookId: 'wh-x' })),
        headers,
      );
      expect(response.status).toBe(401);
      expect(await t.count('webhook_deliveries')).toBe(before);
    });
  });

  describe('Salesforce', () => {
    const message = (organizationId: string, count: number) =>
      buildOutboundMessage({
        organizationId,
        notifications: Array.from({ length: count }, (_, i) => ({
          id: randomSalesforceId('04l'),
          sObjectType: 'Opportunity',
          fields: {
            Id: randomSalesforceId('006'),
            StageName: i === 0 ? 'Closed Won' : 'Qualification',
            IsWon: i === 0,
            Amount: 1000 * (i + 1),
            LastModifiedDate: new Date().toISOString(),
            Journey_External_Id__c: `sf-visitor-${i}`,
          },
        })),
      });
    const send = (xml: string) =>
      fetch(`${t.api.url}/webhooks/salesforce`, {
        method: 'POST',
        headers: { 'content-type': 'text/xml; charset=utf-8', SOAPAction: '""' },
        body: xml,
      });

    it('stores a message with 3 notifications and acknowledges them with one SOAP Ack', async () => {
      const xml = message(ORG_ID.slice(0, 15), 3); // the 15-character form of the configured id
      const response = await send(xml);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/xml');
      expect(await response.text()).toMatch(/<Ack>true<\/Ack>/);
      const stored = await events('salesforce');
      expect(stored.map((event) => [event.event_name, event.hints.external_id]).sort()).toEqual([
        ['DealWon', 'sf-visitor-0'],
        ['QualifiedLead', 'sf-visitor-1'],
        ['QualifiedLead', 'sf-visitor-2'],
      ]);
      // Salesforce retries the same notification ids until it sees the Ack: stored once.
      expect(await (await send(xml)).text()).toMatch(/<Ack>true<\/Ack>/);
      expect(await events('salesforce')).toHaveLength(3);
    });

    it('refuses an unknown organization with 403, storing nothing', async () => {
      const before = await t.count('webhook_deliveries');
      expect((await send(message('00D000000000001AAA', 1))).status).toBe(403);
      expect(await t.count('webhook_deliveries')).toBe(before);
    });

    it('refuses an XML entity attack with 400 without expanding it', async () => {
      const before = await t.count('webhook_deliveries');
      const xxe = message(ORG_ID, 1)
        .replace(
          '<?xml version="1.0" encoding="UTF-8"?>',
          '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
        )
        .replace('Closed Won', '&xxe;');
      const response = await send(xxe);
      expect(response.status).toBe(400);
      expect(await response.text()).not.toContain('root:');
      expect(await t.count('webhook_deliveries')).toBe(before);
    });
  });

  it('counts received and rejected deliveries in /metrics', async () => {
    const text = await (await fetch(`${t.api.url}/metrics`)).text();
    expect(text).toMatch(/journey_webhooks_received_total\{provider="hubspot"\} [1-9]/);
    expect(text).toMatch(
      /journey_webhooks_rejected_total\{provider="hubspot",reason="bad_signature"\} [1-9]/,
    );
    expect(text).toMatch(
      /journey_webhooks_rejected_total\{provider="salesforce",reason="unknown_organization"\} 1/,
    );
  });

  it('never stores a raw delivery body', async () => {
    const { rows } = await t.sql.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'webhook_deliveries'`,
    );
    expect(rows.map((row) => row.column_name)).not.toContain('body');
  });
});

describe('STAGE_MAP_FILE validation', () => {
  it('stops the api at start-up, naming the file and each bad rule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage-map-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({ hubspot: [{ objectType: 'ticket', stageField: 'x', stage: 'y', eventName: 'Z' }] }),
    );
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
