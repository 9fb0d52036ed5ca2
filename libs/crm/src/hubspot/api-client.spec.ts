import { once } from 'node:events';
import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseRetryAfter } from '../api-http';
import { HubspotApiClient, HubspotApiError } from './api-client';

interface Seen {
  path: string;
  query: URLSearchParams;
  rawQuery: string;
  headers: IncomingHttpHeaders;
}
type Reply = { status: number; body?: unknown; headers?: Record<string, string> };

describe('HubspotApiClient', () => {
  let server: Server;
  let baseUrl: string;
  let seen: Seen[];
  let route: (s: Seen) => Reply;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const s = { path: url.pathname, query: url.searchParams, rawQuery: url.search, headers: req.headers };
      seen.push(s);
      const reply = route(s);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    seen = [];
    route = () => ({ status: 404, body: { status: 'error', message: 'resource not found' } });
  });

  const client = (timeoutMs?: number) =>
    new HubspotApiClient({
      apiUrl: baseUrl,
      accessToken: 'pat-na1-secret',
      externalIdProperty: 'journey_external_id',
      timeoutMs,
    });

  it('reads every page of v4 deal→contact associations with Bearer auth', async () => {
    route = ({ query }) => {
      if (query.get('after') === null) {
        return {
          status: 200,
          body: {
            results: [
              {
                toObjectId: 201,
                associationTypes: [{ category: 'HUBSPOT_DEFINED', typeId: 3, label: null }],
              },
              { toObjectId: '202', associationTypes: [] },
            ],
            paging: { next: { after: 'MjAy', link: 'ignored' } },
          },
        };
      }
      return { status: 200, body: { results: [{ toObjectId: 203 }, { toObjectId: 201 }] } };
    };
    await expect(client().associatedContactIds('9876')).resolves.toEqual(['201', '202', '203']);
    expect(seen.map((s) => s.path)).toEqual([
      '/crm/v4/objects/deals/9876/associations/contacts',
      '/crm/v4/objects/deals/9876/associations/contacts',
    ]);
    expect(seen.map((s) => s.rawQuery)).toEqual(['?limit=500', '?limit=500&after=MjAy']);
    expect(seen.every((s) => s.headers.authorization === 'Bearer pat-na1-secret')).toBe(true);
  });

  it('returns [] for an unknown deal', async () => {
    await expect(client().associatedContactIds('1')).resolves.toEqual([]);
  });

  it('reads contact properties, the external id property included', async () => {
    route = () => {
      return {
        status: 200,
        body: {
          id: '201',
          properties: {
            email: ' Ann@Example.com ',
            phone: '+1 555 0100',
            mobilephone: '',
            country: 'France',
            journey_external_id: 'ext-42',
            hs_object_id: '201',
          },
          archived: false,
        },
      };
    };
    await expect(client().contact('201')).resolves.toEqual({
      id: '201',
      email: 'Ann@Example.com',
      phone: '+1 555 0100',
      country: 'France',
      externalId: 'ext-42',
    });
    expect(seen[0].path).toBe('/crm/v3/objects/contacts/201');
    expect(seen[0].rawQuery).toBe('?properties=email,phone,mobilephone,country,journey_external_id');
  });

  it('returns null for an unknown contact', async () => {
    await expect(client().contact('404')).resolves.toBeNull();
  });

  it("reads the portal's company currency once", async () => {
    route = () => ({
      status: 200,
      body: { portalId: 62515, companyCurrency: 'EUR', timeZone: 'Europe/Paris' },
    });
    const api = client();
    await expect(api.companyCurrency()).resolves.toBe('EUR');
    await expect(api.companyCurrency()).resolves.toBe('EUR');
    expect(seen.map((s) => s.path + s.rawQuery)).toEqual(['/account-info/v3/details']);
  });

  it('reads a deal whose batch reads are answered 404 as not found', async () => {
    await expect(client().deal('1')).resolves.toBeNull();
    expect(seen.map((s) => s.path).sort()).toEqual([
      '/crm/v3/objects/deals/batch/read',
      '/crm/v4/associations/deals/contacts/batch/read',
    ]);
  });

  it('encodes ids into the path', async () => {
    await client().contact('a/b?c');
    expect(seen[0].path).toBe('/crm/v3/objects/contacts/a%2Fb%3Fc');
  });

  it('throws a retryable error with retryAfterMs on a 429 whose Retry-After is past the wait it allows', async () => {
    route = () => ({
      status: 429,
      headers: { 'retry-after': '30' },
      body: { status: 'error', errorType: 'RATE_LIMIT', correlationId: 'c-1', message: 'limit' },
    });
    const error = await client()
      .contact('201')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HubspotApiError);
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 30_000, correlationId: 'c-1' });
    expect((error as HubspotApiError).category).toBe('RATE_LIMIT');
    expect(seen).toHaveLength(1);
  });

  it('waits out a short Retry-After on 429 once, then reads', async () => {
    let calls = 0;
    route = () =>
      calls++ === 0
        ? { status: 429, headers: { 'retry-after': '0.2' }, body: { errorType: 'RATE_LIMIT' } }
        : { status: 200, body: { id: '201', properties: { email: 'a@example.com' } } };
    const started = Date.now();
    await expect(client().contact('201')).resolves.toMatchObject({ id: '201' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(seen).toHaveLength(2);
  });

  it('searches with a POSTed JSON body', async () => {
    route = () => ({ status: 200, body: { total: 0, results: [] } });
    const api = client();
    const answer = await api.post('/crm/v3/objects/deals/search', { limit: 1 });
    expect(answer).toEqual({ total: 0, results: [] });
    expect(seen[0].path).toBe('/crm/v3/objects/deals/search');
    expect(seen[0].headers['content-type']).toBe('application/json');
  });

  it('throws a retryable error on 5xx and on a timeout', async () => {
    route = () => ({ status: 502, body: '<html>' });
    await expect(client().associatedContactIds('9876')).rejects.toMatchObject({
      status: 502,
      retryable: true,
    });
    const slow = createServer(() => undefined);
    slow.listen(0, '127.0.0.1');
    await once(slow, 'listening');
    const timeout = new HubspotApiClient({
      apiUrl: `http://127.0.0.1:${(slow.address() as AddressInfo).port}`,
      accessToken: 't',
      externalIdProperty: 'x',
      timeoutMs: 50,
    });
    await expect(timeout.deal('1')).rejects.toMatchObject({ status: undefined, retryable: true });
    slow.closeAllConnections();
    await new Promise((resolve) => slow.close(resolve));
  });

  it('throws a non-retryable error on 401 and 403, without the token in the message', async () => {
    for (const status of [401, 403]) {
      route = () => ({
        status,
        body: { status: 'error', category: 'INVALID_AUTHENTICATION', message: 'no' },
      });
      const error = (await client()
        .deal('9876')
        .catch((e: unknown) => e)) as HubspotApiError;
      expect(error).toMatchObject({ status, retryable: false, retryAfterMs: undefined });
      // The deal's two batch reads both fail; either may be the one reported.
      expect(error.message).toMatch(new RegExp(`^HubSpot POST /crm/v[34]/\\S+/batch/read: HTTP ${status}$`));
      expect(error.message).not.toContain('pat-na1-secret');
    }
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('10')).toBe(10_000);
    expect(parseRetryAfter('0.5')).toBe(500);
    expect(parseRetryAfter(new Date(61_000).toUTCString(), 1_000)).toBe(60_000);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
