// Property-based fuzzing of the CRM webhooks (POST /webhooks/hubspot, /webhooks/gohighlevel,
// /webhooks/salesforce): random, forged and VALID signatures over hostile bodies. Never a 5xx (the store is up,
// so not even the documented store-failure 429/503), and a refused delivery stores nothing.
import { createHash, generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { signGoHighLevelEd25519, signGoHighLevelRsa, signHubspotV3 } from '@app/crm-testing';
import {
  ed25519,
  HUBSPOT_SECRET,
  ORG_ID,
  pem,
  rsa,
  startWebhookEnv,
  WebhookEnv,
  WORKFLOW_SECRET,
} from '../support/webhook-env';
import {
  assertProperty,
  bodyText,
  checkRequest,
  contentType,
  fieldObject,
  FuzzReq,
  headerValue,
  hostileString,
  hostileValue,
  RUNS,
  send,
  withContentType,
} from './fuzz-support';
import { INGEST_API_KEY } from '../support/journey-env';
import { beatAsWorker } from '../support/worker-beat';

const HUBSPOT_EVENT_FIELDS = [
  'eventId',
  'subscriptionId',
  'portalId',
  'appId',
  'occurredAt',
  'subscriptionType',
  'attemptNumber',
  'objectId',
  'propertyName',
  'propertyValue',
  'changeSource',
  'sourceId',
];
const HUBSPOT_EVENT = {
  eventId: 1,
  subscriptionId: 2,
  portalId: 62515,
  appId: 54321,
  occurredAt: Date.now(),
  subscriptionType: 'deal.propertyChange',
  attemptNumber: 0,
  objectId: 9876,
  propertyName: 'dealstage',
  propertyValue: 'closedwon',
  changeSource: 'CRM_UI',
  sourceId: 'userId:111',
};
const HUBSPOT_WORKFLOW_FIELDS = [
  'id',
  'objectId',
  'dealId',
  'objectType',
  'portalId',
  'properties',
  'associations',
];
const HUBSPOT_WORKFLOW = {
  id: '9876543210',
  objectType: 'DEAL',
  portalId: 62515,
  properties: { dealstage: 'closedwon', amount: '1500.50', journey_external_id: 'ext-abc' },
};
const HUBSPOT_PROPERTIES = [
  'dealstage',
  'pipeline',
  'amount',
  'deal_currency_code',
  'hs_is_closed_won',
  'hs_v2_date_entered_closedwon',
  'journey_external_id',
  'lifecyclestage',
  'email',
  'phone',
  'hs_object_id',
];

const GOHIGHLEVEL_FIELDS = [
  'type',
  'locationId',
  'id',
  'assignedTo',
  'contactId',
  'monetaryValue',
  'name',
  'pipelineId',
  'pipelineStageId',
  'source',
  'status',
  'timestamp',
  'webhookId',
  'email',
  'phone',
];
const GOHIGHLEVEL_EVENT = {
  type: 'OpportunityStatusUpdate',
  locationId: 've9EPM428h8vShlRW1KT',
  id: 'opp-1',
  contactId: 'contact-1',
  monetaryValue: 2500,
  pipelineId: 'pipe-1',
  pipelineStageId: 'stage-1',
  status: 'won',
  timestamp: new Date().toISOString(),
  webhookId: 'wh-1',
};
const GOHIGHLEVEL_WORKFLOW_FIELDS = [
  'contact_id',
  'email',
  'phone',
  'location',
  'customData',
  'opportunity',
  'contact',
];
const GOHIGHLEVEL_CUSTOM_FIELDS = [
  'journey_external_id',
  'stage',
  'opportunity_id',
  'value',
  'currency',
  'event_id',
  'occurred_at',
];
const GOHIGHLEVEL_WORKFLOW = {
  contact_id: 'contact-9',
  email: 'workflow.person@example.com',
  location: { id: 've9EPM428h8vShlRW1KT' },
  customData: {
    journey_external_id: 'visitor-9',
    stage: 'won',
    opportunity_id: 'opp-9',
    value: '990',
    event_id: 'evt-9',
  },
};

const otherEd25519 = generateKeyPairSync('ed25519');
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/** A body arbitrary for a JSON webhook: real shapes with hostile values, batches of them, or anything. */
const hubspotBody = bodyText(
  fc.oneof(
    fc.array(fieldObject(HUBSPOT_EVENT_FIELDS, HUBSPOT_EVENT), { minLength: 1, maxLength: 4 }),
    fieldObject(HUBSPOT_WORKFLOW_FIELDS, HUBSPOT_WORKFLOW, {
      properties: HUBSPOT_PROPERTIES,
      associations: ['contacts', 'deals'],
    }),
    fc.constant(Array.from({ length: 101 }, (_, i) => ({ ...HUBSPOT_EVENT, objectId: i }))),
    hostileValue,
  ),
);
const goHighLevelBody = bodyText(
  fc.oneof(
    fieldObject(GOHIGHLEVEL_FIELDS, GOHIGHLEVEL_EVENT),
    fieldObject(GOHIGHLEVEL_WORKFLOW_FIELDS, GOHIGHLEVEL_WORKFLOW, {
      customData: GOHIGHLEVEL_CUSTOM_FIELDS,
      location: ['id', 'name'],
    }),
    hostileValue,
  ),
);

/** Mostly JSON so a verified body reaches the parser; otherwise anything. */
const jsonishContentType = fc.oneof(
  { arbitrary: fc.constant('application/json'), weight: 3 },
  { arbitrary: contentType, weight: 1 },
);

describe('fuzz: CRM webhooks (fast-check)', () => {
  let t: WebhookEnv;
  const statuses = new Map<string, number>();
  const tally = (route: string, status: number) =>
    statuses.set(`${route} ${status}`, (statuses.get(`${route} ${status}`) ?? 0) + 1);

  beforeAll(async () => {
    t = await startWebhookEnv('fuzz-webhooks');
  });
  afterAll(async () => {
    // eslint-disable-next-line no-console
    console.log(`webhook fuzz statuses: ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`);
    await t?.close();
  });

  it(`POST /webhooks/hubspot: random, forged and valid signatures over hostile bodies (${RUNS} runs)`, async () => {
    const uri = () => `${t.api.url}/webhooks/hubspot`;
    type Sign = (body: string) => Record<string, string>;
    const signing: fc.Arbitrary<[string, Sign]> = fc.oneof(
      {
        arbitrary: fc.constant<[string, Sign]>([
          'v3 valid',
          (body) => signHubspotV3({ uri: uri(), rawBody: body, clientSecret: HUBSPOT_SECRET }),
        ]),
        weight: 5,
      },
      { arbitrary: fc.constant<[string, Sign]>(['none', () => ({})]), weight: 1 },
      {
        arbitrary: fc.constant<[string, Sign]>([
          'v1 valid',
          (body) => ({
            'x-hubspot-signature': sha256(HUBSPOT_SECRET + body),
            'x-hubspot-signature-version': 'v1',
          }),
        ]),
        weight: 1,
      },
      {
        arbitrary: fc.constant<[string, Sign]>([
          'v2 valid',
          (body) => ({
            'x-hubspot-signature': sha256(`${HUBSPOT_SECRET}POST${uri()}${body}`),
            'x-hubspot-signature-version': 'v2',
          }),
        ]),
        weight: 1,
      },
      {
        arbitrary: fc
          .tuple(
            headerValue,
            fc.oneof(headerValue, fc.integer().map(String), fc.constant(String(Date.now() - 6 * 60_000))),
          )
          .map(([signature, timestamp]): [string, Sign] => [
            'v3 random',
            () => ({ 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp }),
          ]),
        weight: 2,
      },
      {
        arbitrary: fc
          .tuple(
            fc.oneof(fc.constant('not-the-secret'), fc.string({ maxLength: 40 })),
            fc.integer({ min: -10 * 60_000, max: 10 * 60_000 }),
          )
          .map(([secret, skew]): [string, Sign] => [
            `v3 secret=${JSON.stringify(secret)} skew=${skew}`,
            (body) =>
              signHubspotV3({
                uri: uri(),
                rawBody: body,
                clientSecret: secret,
                timestamp: Date.now() + skew,
              }),
          ]),
        weight: 2,
      },
      {
        arbitrary: fc
          .tuple(headerValue, fc.option(headerValue, { nil: undefined }))
          .map(([signature, version]): [string, Sign] => [
            'legacy random',
            () => ({
              'x-hubspot-signature': signature,
              ...(version === undefined ? {} : { 'x-hubspot-signature-version': version }),
            }),
          ]),
        weight: 2,
      },
    );
    const req = fc
      .record({ body: hubspotBody, signing, ct: jsonishContentType })
      .map(({ body, signing: [how, sign], ct }) => {
        const typed = withContentType({ ...sign(body) }, ct);
        return {
          how,
          req: {
            method: 'POST',
            path: '/webhooks/hubspot',
            headers: typed.headers,
            body,
            bytes: typed.bytes,
          } as FuzzReq,
        };
      });
    await assertProperty(req, async ({ req: r }) => {
      tally('hubspot', (await checkRequest(t.api.url, t.sql, r)).status);
    });
  });

  it(`POST /webhooks/gohighlevel: Ed25519/RSA/workflow-secret, random and valid, over hostile bodies (${RUNS} runs)`, async () => {
    type Sign = (body: string) => Record<string, string>;
    const signing: fc.Arbitrary<Sign> = fc.oneof(
      {
        arbitrary: fc.constant<Sign>((body) => ({
          'x-ghl-signature': signGoHighLevelEd25519(body, pem(ed25519.privateKey, 'pkcs8')),
        })),
        weight: 3,
      },
      {
        arbitrary: fc.constant<Sign>((body) => ({
          'x-wh-signature': signGoHighLevelRsa(body, pem(rsa.privateKey, 'pkcs8')),
        })),
        weight: 1,
      },
      { arbitrary: fc.constant<Sign>(() => ({ 'x-journey-secret': WORKFLOW_SECRET })), weight: 3 },
      {
        arbitrary: fc.constant<Sign>((body) => ({
          'x-ghl-signature': signGoHighLevelEd25519(body, pem(otherEd25519.privateKey, 'pkcs8')),
        })),
        weight: 1,
      },
      { arbitrary: fc.constant<Sign>(() => ({})), weight: 1 },
      {
        arbitrary: fc
          .record({
            name: fc.constantFrom('x-ghl-signature', 'x-wh-signature', 'x-journey-secret'),
            value: fc.oneof(
              headerValue,
              fc.constantFrom(
                WORKFLOW_SECRET.toUpperCase(),
                `${WORKFLOW_SECRET} `,
                WORKFLOW_SECRET.slice(1),
                INGEST_API_KEY,
              ),
            ),
          })
          .map(({ name, value }): Sign => () => ({ [name]: value })),
        weight: 2,
      },
      {
        // Both kinds at once: a valid workflow secret next to a forged signature, and the reverse.
        arbitrary: fc.constant<Sign>((body) => ({
          'x-journey-secret': WORKFLOW_SECRET,
          'x-ghl-signature': Buffer.from(body).toString('base64'),
        })),
        weight: 1,
      },
    );
    const req = fc
      .record({ body: goHighLevelBody, sign: signing, ct: jsonishContentType })
      .map(({ body, sign, ct }): FuzzReq => {
        const typed = withContentType({ ...sign(body) }, ct);
        return {
          method: 'POST',
          path: '/webhooks/gohighlevel',
          headers: typed.headers,
          body,
          bytes: typed.bytes,
        };
      });
    await assertProperty(req, async (r) => {
      tally('gohighlevel', (await checkRequest(t.api.url, t.sql, r)).status);
    });
  });

  it(`POST /webhooks/salesforce: known and unknown organizations, hostile XML (${RUNS} runs)`, async () => {
    // Values go in escaped (well-formed XML with hostile text) or raw (malformed XML, injected elements).
    const xmlText = fc
      .tuple(
        fc.oneof(
          hostileString,
          hostileValue.map((v) => JSON.stringify(v) ?? ''),
        ),
        fc.boolean(),
      )
      .map(([v, raw]) => (raw ? v : v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')));
    const orgId = fc.oneof(
      { arbitrary: fc.constantFrom(ORG_ID, ORG_ID.slice(0, 15), ORG_ID.toLowerCase()), weight: 4 },
      { arbitrary: fc.constantFrom('00D000000000001AAA', '', '00D'), weight: 1 },
      { arbitrary: xmlText, weight: 1 },
    );
    const sfField = fc.tuple(
      fc.oneof(
        fc.constantFrom(
          'Id',
          'StageName',
          'IsWon',
          'Amount',
          'LastModifiedDate',
          'Journey_External_Id__c',
          'Status',
          'Email',
          'CurrencyIsoCode',
        ),
        fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,20}$/),
      ),
      xmlText,
    );
    const notification = fc.record({
      id: fc.oneof(fc.constantFrom('04l5e000000AbCdAAA', '04l5e000000AbCe'), xmlText),
      type: fc.oneof(fc.constantFrom('Opportunity', 'Lead', 'Contact', 'Account'), xmlText),
      objectId: fc.oneof(fc.constantFrom('0065e000000AbCdAAA', '00Q5e000000AbCd'), xmlText),
      fields: fc.array(sfField, { maxLength: 6 }),
    });
    const envelope = fc
      .record({
        org: orgId,
        notifications: fc.oneof(
          fc.array(notification, { minLength: 0, maxLength: 3 }),
          fc.constant(
            Array.from({ length: 101 }, () => ({
              id: '04l5e000000AbCdAAA',
              type: 'Opportunity',
              objectId: '0065e000000AbCdAAA',
              fields: [] as [string, string][],
            })),
          ),
        ),
        prolog: fc.constantFrom(
          '<?xml version="1.0" encoding="UTF-8"?>',
          '',
          '<?xml version="1.0" encoding="UTF-16"?>',
          '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
          '<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>',
        ),
      })
      .map(({ org, notifications, prolog }) =>
        [
          prolog,
          '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">',
          ' <soapenv:Body>',
          '  <notifications xmlns="http://soap.sforce.com/2005/09/outbound">',
          `   <OrganizationId>${org}</OrganizationId>`,
          '   <ActionId>04k5e000000AbCdAAA</ActionId>',
          ...notifications.map(
            (n) =>
              `   <Notification><Id>${n.id}</Id><sObject xsi:type="sf:${n.type}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">` +
              `<sf:Id>${n.objectId}</sf:Id>${n.fields.map(([k, v]) => `<sf:${k}>${v}</sf:${k}>`).join('')}</sObject></Notification>`,
          ),
          '  </notifications>',
          ' </soapenv:Body>',
          '</soapenv:Envelope>',
        ].join('\n'),
      );
    const req = fc
      .record({
        body: fc.oneof({ arbitrary: envelope, weight: 6 }, { arbitrary: bodyText(hostileValue), weight: 1 }),
        ct: fc.oneof(
          {
            arbitrary: fc.constantFrom('text/xml; charset=utf-8', 'text/xml', 'application/soap+xml'),
            weight: 3,
          },
          { arbitrary: contentType, weight: 1 },
        ),
        soapAction: fc.option(fc.oneof(fc.constant('""'), headerValue), { nil: undefined }),
      })
      .map(({ body, ct, soapAction }): FuzzReq => {
        const typed = withContentType(soapAction === undefined ? {} : { soapaction: soapAction }, ct);
        return {
          method: 'POST',
          path: '/webhooks/salesforce',
          headers: typed.headers,
          body,
          bytes: typed.bytes,
        };
      });
    await assertProperty(req, async (r) => {
      tally('salesforce', (await checkRequest(t.api.url, t.sql, r)).status);
    });
  });

  it('afterwards: /health/ready is 200 and a valid touchpoint still gets 201', async () => {
    expect([...statuses.keys()].filter((key) => Number(key.split(' ')[1]) >= 500)).toEqual([]);
    await beatAsWorker(t.env);
    expect((await fetch(`${t.api.url}/health/ready`)).status).toBe(200);
    const res = await send(t.api.url, {
      method: 'POST',
      path: '/v1/touchpoints',
      headers: { 'content-type': 'application/json', 'x-api-key': INGEST_API_KEY },
      body: JSON.stringify({ url: 'https://www.shop.test/after', external_id: 'after-the-webhook-fuzz' }),
    });
    expect(res.status).toBe(201);
  });
});
