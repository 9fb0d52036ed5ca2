import { generateKeyPairSync } from 'node:crypto';
import {
  buildOutboundMessage,
  randomSalesforceId,
  signGoHighLevelEd25519,
  signHubspotV3,
} from '@app/crm-testing';
import { jsonReplies, receiveDelivery, type CrmAdapter, type CrmWebhookRequest } from './adapter';
import { DEFAULT_STAGE_RULES } from './default-stage-rules';
import { goHighLevelAdapter, type GoHighLevelSettings } from './gohighlevel';
import { hubspotAdapter, HubspotApiClient, type HubspotSettings } from './hubspot';
import { CRM_PROVIDERS, CrmPayloadError, type ParsedDelivery } from './lifecycle-change';
import { CRM_ADAPTERS, crmAdapter, crmDisplayName, crmLeadEventSource, FORM_CRM_IDS } from './registry';
import { salesforceAdapter, type SalesforceSettings } from './salesforce';

const receivedAt = new Date();

const request = (over: Partial<CrmWebhookRequest>): CrmWebhookRequest => {
  const rawBody = over.rawBody ?? Buffer.from('{}');
  return {
    method: 'POST',
    uri: 'https://journey.example.com/webhooks/x',
    headers: {},
    rawBody,
    receivedAt,
    ...over,
    body: 'body' in over ? over.body : JSON.parse(rawBody.toString('utf8')),
  };
};

describe('the CRM registry', () => {
  it('holds one adapter per provider, keyed by its id', () => {
    expect(Object.keys(CRM_ADAPTERS)).toEqual([...CRM_PROVIDERS]);
    for (const provider of CRM_PROVIDERS) expect(CRM_ADAPTERS[provider].id).toBe(provider);
    expect(crmAdapter('hubspot')).toBe(hubspotAdapter);
    expect(crmAdapter('toString')).toBeUndefined();
    expect(crmAdapter('ghl')).toBeUndefined();
  });

  it('names each CRM once: HighLevel in prose, the name Meta knows as lead_event_source', () => {
    expect(CRM_PROVIDERS.map(crmDisplayName)).toEqual(['HubSpot', 'HighLevel', 'Salesforce']);
    expect(CRM_PROVIDERS.map(crmLeadEventSource)).toEqual(['HubSpot', 'GoHighLevel', 'Salesforce']);
    expect(crmDisplayName('pipedrive')).toBe('pipedrive');
    expect(crmLeadEventSource('pipedrive')).toBe('pipedrive');
  });

  it("builds the default stage rules from the adapters' frozen defaults", () => {
    for (const adapter of Object.values(CRM_ADAPTERS)) {
      expect(DEFAULT_STAGE_RULES[adapter.id]).toEqual([...adapter.defaultStages]);
      expect(Object.isFrozen(adapter.defaultStages)).toBe(true);
      expect(adapter.defaultStages.every((rule) => Object.isFrozen(rule))).toBe(true);
    }
  });

  it("maps every form crm_ids key (SPEC's public contract) to its CRM and record type", () => {
    expect(FORM_CRM_IDS).toEqual({
      hubspot_contact_id: { provider: 'hubspot', objectType: 'contact' },
      hubspot_deal_id: { provider: 'hubspot', objectType: 'deal' },
      ghl_contact_id: { provider: 'gohighlevel', objectType: 'contact' },
      ghl_opportunity_id: { provider: 'gohighlevel', objectType: 'opportunity' },
      salesforce_lead_id: { provider: 'salesforce', objectType: 'lead' },
      salesforce_contact_id: { provider: 'salesforce', objectType: 'contact' },
      salesforce_opportunity_id: { provider: 'salesforce', objectType: 'opportunity' },
    });
  });

  it('gives HubSpot its API client', () => {
    const client = hubspotAdapter.createApiClient({
      apiUrl: 'https://api.hubapi.com',
      accessToken: 'token',
      externalIdProperty: 'journey_external_id',
    });
    expect(client).toBeInstanceOf(HubspotApiClient);
  });
});

describe('receiveDelivery', () => {
  const parsed: ParsedDelivery = { changes: [], ignored: 1 };

  it('parses once, also when the verifier read the parsed delivery first', () => {
    const parse = jest.fn(() => parsed);
    const adapter: CrmAdapter = {
      ...hubspotAdapter,
      verify: (_request, _settings, read) =>
        read().ignored ? { ok: true, scheme: 'x' } : { ok: false, reason: 'y' },
      parse,
    };
    expect(receiveDelivery(adapter, request({}), {})).toEqual({ ok: true, scheme: 'x', parsed });
    expect(parse).toHaveBeenCalledTimes(1);
  });

  it('never parses a delivery refused before its body is read', () => {
    const parse = jest.fn(() => parsed);
    const adapter: CrmAdapter = { ...hubspotAdapter, verify: () => ({ ok: false, reason: 'bad' }), parse };
    expect(receiveDelivery(adapter, request({}), {})).toEqual({ ok: false, reason: 'bad' });
    expect(parse).not.toHaveBeenCalled();
  });
});

describe('jsonReplies', () => {
  it('answers what was received, stored and recognised, or the status the CRM retries on', () => {
    const replies = jsonReplies(401, { status: 429, error: 'Too Many Requests' });
    expect(replies.accepted({ changes: [], ignored: 2 }, { stored: 0, duplicates: 0 })).toEqual({
      status: 200,
      body: { received: 2, stored: 0, duplicates: 0 },
    });
    expect(replies.unavailable()).toEqual({
      status: 429,
      body: { statusCode: 429, error: 'Too Many Requests', message: 'store unavailable, retry' },
    });
  });
});

describe('hubspotAdapter', () => {
  const settings: HubspotSettings = {
    clientSecret: 'secret-secret-secret',
    externalIdProperty: 'journey_external_id',
  };
  const body = JSON.stringify([
    {
      eventId: 1,
      subscriptionId: 2,
      portalId: 62515,
      appId: 4,
      occurredAt: Date.now(),
      subscriptionType: 'deal.propertyChange',
      attemptNumber: 0,
      objectId: 5,
      propertyName: 'dealstage',
      propertyValue: 'closedwon',
    },
  ]);
  const uri = 'https://journey.example.com/webhooks/hubspot';

  it('verifies the v3 signature over the URI it was called on, then parses', () => {
    const headers = signHubspotV3({ uri, rawBody: body, clientSecret: settings.clientSecret! });
    const receipt = receiveDelivery(
      hubspotAdapter,
      request({ uri, headers, rawBody: Buffer.from(body) }),
      settings,
    );
    expect(receipt).toMatchObject({ ok: true, scheme: 'v3', parsed: { changes: [{ tenant: '62515' }] } });
  });

  it('refuses everything without a client secret', () => {
    const receipt = receiveDelivery(hubspotAdapter, request({ uri, rawBody: Buffer.from(body) }), {
      ...settings,
      clientSecret: undefined,
    });
    expect(receipt).toEqual({ ok: false, reason: 'not_configured' });
    expect(hubspotAdapter.replies.refusedStatus).toBe(401);
    expect(hubspotAdapter.replies.unavailable().status).toBe(503);
  });
});

describe('goHighLevelAdapter', () => {
  const pair = generateKeyPairSync('ed25519', {
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  const settings: GoHighLevelSettings = {
    publicKey: pair.publicKey,
    rsaPublicKey: pair.publicKey,
    workflowSecret: 'workflow-secret-for-tests',
  };

  it('verifies a marketplace event by X-GHL-Signature, within the 75-minute retry window', () => {
    const body = JSON.stringify({
      type: 'OpportunityStatusUpdate',
      locationId: 'loc-1',
      id: 'opp-1',
      status: 'won',
      // A retry after our 429 keeps the original timestamp: up to 70 minutes old.
      timestamp: new Date(Date.now() - 70 * 60_000).toISOString(),
      webhookId: 'wh-1',
    });
    const headers = { 'x-ghl-signature': signGoHighLevelEd25519(body, pair.privateKey) };
    const receipt = receiveDelivery(
      goHighLevelAdapter,
      request({ headers, rawBody: Buffer.from(body) }),
      settings,
    );
    expect(receipt).toMatchObject({ ok: true, scheme: 'ghl-ed25519', parsed: { changes: [{ won: true }] } });
  });

  it('takes a delivery with X-Journey-Secret as a workflow webhook', () => {
    const body = JSON.stringify({
      contact_id: 'c-1',
      location: { id: 'loc-1' },
      customData: { stage: 'won', opportunity_id: 'o-1' },
    });
    const headers = { 'x-journey-secret': settings.workflowSecret };
    const receipt = receiveDelivery(
      goHighLevelAdapter,
      request({ headers, rawBody: Buffer.from(body) }),
      settings,
    );
    expect(receipt).toMatchObject({
      ok: true,
      scheme: 'ghl-workflow-secret',
      parsed: { changes: [{ objectId: 'o-1' }] },
    });
    const wrong = { 'x-journey-secret': 'another-secret-entirely' };
    expect(
      receiveDelivery(goHighLevelAdapter, request({ headers: wrong, rawBody: Buffer.from(body) }), settings)
        .ok,
    ).toBe(false);
  });

  it('answers a failed store with 429, the only status HighLevel retries', () => {
    expect(goHighLevelAdapter.replies.unavailable().status).toBe(429);
  });
});

describe('salesforceAdapter', () => {
  const org = randomSalesforceId('00D');
  const settings: SalesforceSettings = { orgIds: [org], externalIdField: 'Journey_External_Id__c' };
  const message = (organizationId: string) =>
    Buffer.from(
      buildOutboundMessage({
        organizationId,
        notifications: [
          {
            id: randomSalesforceId('04l'),
            sObjectType: 'Account',
            fields: { Id: randomSalesforceId('001') },
          },
        ],
      }),
    );

  it('accepts an allow-listed organization; the delivery names its tenant even without changes', () => {
    const receipt = receiveDelivery(
      salesforceAdapter,
      request({ rawBody: message(org), body: undefined }),
      settings,
    );
    expect(receipt).toMatchObject({
      ok: true,
      scheme: 'org_id',
      parsed: { tenant: org, changes: [], ignored: 1 },
    });
  });

  it('refuses another organization, and every message without an allow-list', () => {
    const other = message(randomSalesforceId('00D'));
    expect(
      receiveDelivery(salesforceAdapter, request({ rawBody: other, body: undefined }), settings),
    ).toEqual({
      ok: false,
      reason: 'unknown_organization',
    });
    expect(
      receiveDelivery(salesforceAdapter, request({ rawBody: Buffer.from('not xml'), body: undefined }), {
        ...settings,
        orgIds: [],
      }),
    ).toEqual({ ok: false, reason: 'not_configured' });
    expect(salesforceAdapter.replies.refusedStatus).toBe(403);
  });

  it('answers a malformed message as a bad body, once the allow-list is set', () => {
    expect(() =>
      receiveDelivery(
        salesforceAdapter,
        request({ rawBody: Buffer.from('not xml'), body: undefined }),
        settings,
      ),
    ).toThrow(CrmPayloadError);
  });

  it('acknowledges in SOAP: Ack true once stored, Ack false with a 503 when the store failed', () => {
    expect(
      salesforceAdapter.replies.accepted({ changes: [], ignored: 0 }, { stored: 0, duplicates: 0 }),
    ).toMatchObject({
      status: 200,
      contentType: 'text/xml; charset=utf-8',
      body: expect.stringContaining('<Ack>true</Ack>'),
    });
    expect(salesforceAdapter.replies.unavailable()).toMatchObject({
      status: 503,
      body: expect.stringContaining('<Ack>false</Ack>'),
    });
  });
});
