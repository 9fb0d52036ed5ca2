#!/usr/bin/env node
// Sends one signed, real-shaped test delivery to a running Journey Store, signed the way the CRM signs it,
// so whoever configured a CRM can check the wiring end to end (the answer shows what was stored).
//
//   npm run webhook:test -- hubspot     [--url URL] [--stage closedwon] [--object-id 123] [--portal-id 62515]
//   npm run webhook:test -- gohighlevel [--url URL] [--stage won] [--external-id ID] [--private-key ed25519.pem]
//   npm run webhook:test -- salesforce  [--url URL] [--stage "Closed Won"] [--external-id ID]
//
// Secrets come from the same environment as the server: HUBSPOT_CLIENT_SECRET, GHL_WORKFLOW_SECRET
// (HighLevel workflow webhook; with --private-key a marketplace event signed with that Ed25519 key is sent
// instead, for a server whose GHL_WEBHOOK_PUBLIC_KEY is the matching public key), SALESFORCE_ORG_IDS.
// Needs `npm run build` first (it uses the compiled delivery builders of libs/crm-testing).
'use strict';
const { randomUUID } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const built = path.join(__dirname, '..', 'dist', 'libs', 'crm-testing', 'src', 'index.js');
if (!fs.existsSync(built)) {
  console.error('Run `npm run build` first: this command uses the compiled delivery builders in dist/.');
  process.exit(2);
}
const deliveries = require(built);

function options(argv) {
  const [provider, ...rest] = argv;
  const flags = {};
  for (let i = 0; i < rest.length; i += 2) {
    if (!rest[i].startsWith('--')) throw new Error(`unexpected argument ${rest[i]}`);
    flags[rest[i].slice(2)] = rest[i + 1];
  }
  return { provider, flags };
}

function need(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: use the value the server is configured with`);
  return value;
}

function hubspot(flags, base) {
  const uri = `${base}/webhooks/hubspot`;
  const body = JSON.stringify([
    {
      eventId: Math.floor(Math.random() * 1e9),
      subscriptionId: 1,
      portalId: Number(flags['portal-id'] ?? 62515),
      appId: 1,
      occurredAt: Date.now(),
      subscriptionType: 'deal.propertyChange',
      attemptNumber: 0,
      objectId: Number(flags['object-id'] ?? Date.now()),
      propertyName: 'dealstage',
      propertyValue: flags.stage ?? 'closedwon',
      changeSource: 'CRM_UI',
      sourceId: 'userId:1',
    },
  ]);
  const headers = deliveries.signHubspotV3({
    uri,
    rawBody: body,
    clientSecret: need('HUBSPOT_CLIENT_SECRET'),
  });
  return { url: uri, body, headers: { 'content-type': 'application/json', ...headers } };
}

function gohighlevel(flags, base) {
  const url = `${base}/webhooks/gohighlevel`;
  const opportunityId = flags['object-id'] ?? `test-${randomUUID().slice(0, 8)}`;
  if (flags['private-key']) {
    const body = JSON.stringify({
      type: 'OpportunityStatusUpdate',
      locationId: flags['location-id'] ?? 'test-location',
      id: opportunityId,
      contactId: 'test-contact',
      status: flags.stage ?? 'won',
      monetaryValue: 100,
      timestamp: new Date().toISOString(),
      webhookId: randomUUID(),
    });
    const signature = deliveries.signGoHighLevelEd25519(body, fs.readFileSync(flags['private-key'], 'utf8'));
    return { url, body, headers: { 'content-type': 'application/json', 'x-ghl-signature': signature } };
  }
  const body = JSON.stringify({
    contact_id: 'test-contact',
    location: { id: flags['location-id'] ?? 'test-location' },
    customData: {
      journey_external_id: flags['external-id'],
      stage: flags.stage ?? 'won',
      opportunity_id: opportunityId,
      event_id: randomUUID(),
    },
  });
  return {
    url,
    body,
    headers: { 'content-type': 'application/json', 'x-journey-secret': need('GHL_WORKFLOW_SECRET') },
  };
}

function salesforce(flags, base) {
  const organizationId = need('SALESFORCE_ORG_IDS').split(',')[0].trim();
  const stage = flags.stage ?? 'Closed Won';
  const body = deliveries.buildOutboundMessage({
    organizationId,
    notifications: [
      {
        id: deliveries.randomSalesforceId('04l'),
        sObjectType: 'Opportunity',
        fields: {
          Id: deliveries.randomSalesforceId('006'),
          StageName: stage,
          IsWon: stage === 'Closed Won',
          Amount: 1000,
          LastModifiedDate: new Date().toISOString(),
          [process.env.SALESFORCE_EXTERNAL_ID_FIELD || 'Journey_External_Id__c']:
            flags['external-id'] ?? null,
        },
      },
    ],
  });
  return {
    url: `${base}/webhooks/salesforce`,
    body,
    headers: { 'content-type': 'text/xml; charset=utf-8', SOAPAction: '""' },
  };
}

async function main() {
  const { provider, flags } = options(process.argv.slice(2));
  const builders = { hubspot, gohighlevel, salesforce };
  if (!builders[provider])
    throw new Error(
      'usage: npm run webhook:test -- <hubspot|gohighlevel|salesforce> [--url URL] [--stage STAGE] ...',
    );
  const base = (flags.url ?? `http://127.0.0.1:${process.env.PORT || 3000}`).replace(/\/+$/, '');
  const request = builders[provider](flags, base);
  const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
  console.log(`${provider}: HTTP ${response.status}`);
  console.log(await response.text());
  process.exit(response.ok ? 0 : 1);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(2);
});
