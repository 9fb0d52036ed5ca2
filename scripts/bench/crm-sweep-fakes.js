// Tiny in-process fakes of the three CRMs' sweep endpoints for scripts/bench/crm-sweep.js: only what the
// sweep asks (the full fakes, with their checks, are test/fakes/*.ts), N records each changed once to a won
// stage in the last two hours, and a count of requests by kind. HubSpot's search refuses to page past
// 10,000 results (its documented limit), as the real one does.
'use strict';
const http = require('node:http');
const { once } = require('node:events');

const SPREAD_MS = 2 * 3600_000;

function server(handle) {
  const counts = {};
  let srv;
  const count = (kind) => (counts[kind] = (counts[kind] ?? 0) + 1);
  return {
    calls: () => ({ ...counts }),
    async start() {
      srv = http.createServer((req, res) => {
        let raw = '';
        req.on('data', (chunk) => (raw += chunk));
        req.on('end', () => {
          const url = new URL(req.url ?? '/', 'http://127.0.0.1');
          const [status, body] = handle(req.method, url, raw, count);
          res.writeHead(status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        });
      });
      srv.listen(0, '127.0.0.1');
      await once(srv, 'listening');
      return { url: `http://127.0.0.1:${srv.address().port}` };
    },
    async stop() {
      srv.closeAllConnections();
      await new Promise((resolve) => srv.close(resolve));
    },
  };
}

/** N times oldest first, spread over the last two hours (several records may share a second). */
const times = (n) => {
  const start = Date.now() - SPREAD_MS - 60_000;
  return Array.from({ length: n }, (_, i) => start + Math.floor((i * SPREAD_MS) / n));
};

function hubspot(n) {
  const deals = times(n).map((ms, i) => ({ id: String(100_000 + i), ms }));
  const byId = new Map(deals.map((deal) => [deal.id, deal]));
  const fake = server((method, url, raw, count) => {
    if (url.pathname === '/account-info/v3/details') return (count('account'), [200, { portalId: 62515 }]);
    const m = /^\/crm\/v3\/objects\/(deals|contacts)\/(search|batch\/read)$/.exec(url.pathname);
    if (method !== 'POST' || !m) return (count('other'), [404, { message: 'not found' }]);
    const body = JSON.parse(raw);
    if (m[2] === 'search') {
      count(`${m[1]} search`);
      if (m[1] === 'contacts') return [200, { total: 0, results: [] }];
      const since = Number(body.filterGroups[0].filters[0].value);
      const start = Number(body.after ?? 0);
      if (start + body.limit > 10_000) {
        return [
          400,
          { status: 'error', message: 'Cannot page beyond 10000 results', category: 'VALIDATION_ERROR' },
        ];
      }
      const found = deals.filter((deal) => deal.ms >= since);
      const page = found.slice(start, start + body.limit);
      const iso = (ms) => new Date(ms).toISOString();
      return [
        200,
        {
          total: found.length,
          results: page.map((d) => ({
            id: d.id,
            properties: { dealstage: 'closedwon', hs_lastmodifieddate: iso(d.ms), pipeline: 'default' },
          })),
          ...(start + body.limit < found.length && {
            paging: { next: { after: String(start + body.limit) } },
          }),
        },
      ];
    }
    count(`${m[1]} batch read`);
    const results = body.inputs.map(({ id }) => ({
      id,
      properties: { dealstage: 'closedwon' },
      propertiesWithHistory: {
        dealstage: [{ value: 'closedwon', timestamp: new Date(byId.get(id).ms).toISOString() }],
      },
    }));
    return [200, { status: 'COMPLETE', results }];
  });
  return { ...fake, env: (url) => ({ HUBSPOT_ACCESS_TOKEN: 'bench-token', HUBSPOT_API_URL: url }) };
}

function gohighlevel(n) {
  const LOCATION = 've9EPM428h8vShlRW1KT';
  const opportunities = times(n).map((ms, i) => ({
    id: `opp-${String(i).padStart(6, '0')}`,
    name: `Deal ${i}`,
    status: 'won',
    monetaryValue: 100,
    locationId: LOCATION,
    contactId: `contact-${i}`,
    lastStatusChangeAt: new Date(ms).toISOString(),
    updatedAt: new Date(ms).toISOString(),
  }));
  const fake = server((method, url, raw, count) => {
    if (url.pathname !== '/opportunities/search') return (count('other'), [404, { message: 'Not found' }]);
    count('opportunity search');
    const limit = Math.min(Number(url.searchParams.get('limit') ?? 20), 100);
    const after = url.searchParams.get('startAfterId');
    const start = after ? opportunities.findIndex((o) => o.id === after) + 1 : 0;
    const page = opportunities.slice(start, start + limit);
    const last = page.at(-1);
    const more = start + limit < opportunities.length;
    return [
      200,
      {
        opportunities: page,
        meta: {
          total: opportunities.length,
          ...(more && last && { startAfter: Date.parse(last.updatedAt), startAfterId: last.id, nextPage: 2 }),
        },
      },
    ];
  });
  return {
    ...fake,
    env: (url) => ({
      GHL_API_URL: url,
      GHL_API_TOKEN: 'pit-bench-highlevel-token',
      GHL_LOCATION_ID: LOCATION,
    }),
  };
}

function salesforce(n) {
  const ORG = '00D5g000004SQaAEAW';
  const opportunities = times(n).map((ms, i) => ({
    Id: `006${String(i).padStart(12, '0')}AAA`,
    StageName: 'Closed Won',
    IsWon: true,
    Amount: 100,
    ContactId: null,
    SystemModstamp: new Date(ms).toISOString().replace('Z', '+0000'),
    ms,
  }));
  let base = '';
  const fake = server((method, url, raw, count) => {
    if (url.pathname === '/services/oauth2/token') {
      count('token');
      return [
        200,
        {
          access_token: '00D!bench',
          instance_url: base,
          id: `${base}/id/${ORG}/0055g00000ABCDEAA4`,
          token_type: 'Bearer',
          issued_at: String(Date.now()),
          signature: 'c2ln',
        },
      ];
    }
    const q = url.searchParams.get('q') ?? '';
    const m =
      /FROM (Opportunity|Lead) WHERE SystemModstamp >= (\S+) ORDER BY SystemModstamp ASC LIMIT (\d+)/.exec(q);
    if (!m) return (count('other'), [400, [{ errorCode: 'MALFORMED_QUERY', message: q }]]);
    count(`${m[1]} query`);
    const since = Date.parse(m[2]);
    const rows = m[1] === 'Lead' ? [] : opportunities.filter((o) => o.ms >= since).slice(0, Number(m[3]));
    const records = rows.map((row) => ({
      attributes: { type: 'Opportunity' },
      ...Object.fromEntries(Object.entries(row).filter(([key]) => key !== 'ms')),
    }));
    return [200, { totalSize: records.length, done: true, records }];
  });
  return {
    ...fake,
    async start() {
      const started = await fake.start();
      base = started.url;
      return started;
    },
    env: (url) => ({
      SALESFORCE_LOGIN_URL: url,
      SALESFORCE_CLIENT_ID: 'bench-client-id',
      SALESFORCE_CLIENT_SECRET: 'bench-client-secret',
    }),
  };
}

module.exports = { FAKES: { hubspot, gohighlevel, salesforce } };
