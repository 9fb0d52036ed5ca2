import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CapiServerEvent } from './build-event';
import { GraphClient } from './graph-client';

const TOKEN = 'EAAB-secret-token-123';

interface Recorded {
  method?: string;
  url?: string;
  contentType?: string;
  body: Record<string, unknown>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const event = (n: number): CapiServerEvent => ({
  event_name: 'DealWon',
  event_time: 1_789_898_400,
  event_id: `crm_${String(n).padStart(40, '0')}`,
  action_source: 'system_generated',
  user_data: { external_id: ['a633811faa0a14d0ec8f379bc8efb21d3aeed9cc17935f4f4604eeb7eac5f88c'] },
  custom_data: { event_source: 'crm', lead_event_source: 'HubSpot' },
});

describe('GraphClient', () => {
  let server: Server;
  let baseUrl: string;
  let recorded: Recorded[];
  let handler: Handler;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        recorded.push({
          method: req.method,
          url: req.url,
          contentType: req.headers['content-type'],
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        });
        handler(req, res);
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  beforeEach(() => {
    recorded = [];
    handler = (_req, res) => json(res, 200, { events_received: 2, messages: [], fbtrace_id: 'TraceOK' });
  });

  const client = (timeoutMs?: number) =>
    new GraphClient({ graphUrl: `${baseUrl}/`, apiVersion: 'v24.0', timeoutMs });
  const send = (c = client(), testEventCode?: string) =>
    c.send({ pixelId: '123456789012345', accessToken: TOKEN, events: [event(1), event(2)], testEventCode });

  it('POSTs JSON to /{version}/{pixel}/events with the token in the body only', async () => {
    const exchange = await send(client(), 'TEST123');
    expect(recorded).toHaveLength(1);
    const [request] = recorded;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v24.0/123456789012345/events');
    expect(request.contentType).toBe('application/json');
    expect(request.body).toEqual({
      data: [event(1), event(2)],
      test_event_code: 'TEST123',
      access_token: TOKEN,
    });

    expect(exchange.status).toBe(200);
    expect(exchange.outcome).toEqual({
      kind: 'accepted',
      eventsReceived: 2,
      fbtraceId: 'TraceOK',
      messages: [],
    });
    expect(exchange.requestBody).toEqual({ data: [event(1), event(2)], test_event_code: 'TEST123' });
    expect(JSON.stringify(exchange)).not.toContain(TOKEN);
    expect(exchange.responseBody).toEqual({ events_received: 2, messages: [], fbtrace_id: 'TraceOK' });
    expect(exchange.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('sends partner_agent with every request when configured, and records it', async () => {
    const partnered = new GraphClient({
      graphUrl: baseUrl,
      apiVersion: 'v24.0',
      partnerAgent: ' journey-store-0.1.0 ',
    });
    const exchange = await send(partnered);
    expect(recorded[0].body).toEqual({
      data: [event(1), event(2)],
      partner_agent: 'journey-store-0.1.0',
      access_token: TOKEN,
    });
    expect(exchange.requestBody).toEqual({
      data: [event(1), event(2)],
      partner_agent: 'journey-store-0.1.0',
    });
  });

  it('leaves test_event_code out when not set and accepts a bare version', async () => {
    const exchange = await new GraphClient({ graphUrl: baseUrl, apiVersion: '25.0' }).send({
      pixelId: '42',
      accessToken: TOKEN,
      events: [event(1)],
    });
    expect(recorded[0].url).toBe('/v25.0/42/events');
    expect(recorded[0].body).not.toHaveProperty('test_event_code');
    expect(exchange.requestBody).toEqual({ data: [event(1)] });
  });

  it('classifies 500 as transient and 429 as throttled', async () => {
    handler = (_req, res) => {
      res.writeHead(500);
      res.end();
    };
    expect((await send()).outcome.kind).toBe('transient');
    handler = (_req, res) => json(res, 429, {}, { 'retry-after': '7' });
    expect((await send()).outcome).toMatchObject({ kind: 'throttled', retryAfterMs: 7000 });
  });

  it('classifies a bad token as config, keeps fbtrace_id and redacts an echoed token', async () => {
    handler = (_req, res) =>
      json(res, 400, {
        error: {
          message: `Invalid OAuth access token - Cannot parse access token ${TOKEN}`,
          type: 'OAuthException',
          code: 190,
          error_subcode: 460,
          fbtrace_id: 'TraceBad',
        },
      });
    const exchange = await send();
    expect(exchange.status).toBe(400);
    expect(exchange.outcome).toMatchObject({
      kind: 'config',
      code: 190,
      subcode: 460,
      fbtraceId: 'TraceBad',
    });
    expect(JSON.stringify(exchange)).not.toContain(TOKEN);
  });

  it('classifies code 100 / 2804003 as an invalid event with Meta’s message', async () => {
    handler = (_req, res) =>
      json(res, 400, {
        error: {
          message: 'Invalid parameter',
          type: 'OAuthException',
          code: 100,
          error_subcode: 2804003,
          is_transient: false,
          error_user_title: 'Event Timestamp Too Old',
          error_user_msg: 'The timestamp for this event is too far in the past.',
          fbtrace_id: 'TraceOld',
        },
      });
    expect((await send()).outcome).toMatchObject({
      kind: 'invalid_event',
      code: 100,
      subcode: 2804003,
      isTransient: false,
      fbtraceId: 'TraceOld',
      message: expect.stringContaining('Event Timestamp Too Old'),
    });
  });

  it('keeps a non-JSON body as text', async () => {
    handler = (_req, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<html>Bad gateway</html>');
    };
    const exchange = await send();
    expect(exchange).toMatchObject({ status: 502, responseBody: '<html>Bad gateway</html>' });
    expect(exchange.outcome.kind).toBe('transient');
  });

  it('turns a timeout into a transient outcome', async () => {
    handler = () => undefined; // never answers
    const exchange = await send(client(100));
    expect(exchange.status).toBe(0);
    expect(exchange.outcome).toEqual({ kind: 'transient', message: 'timeout after 100 ms' });
    expect(exchange.requestBody).toEqual({ data: [event(1), event(2)] });
  });

  it('turns a connection failure into a transient outcome', async () => {
    const closed = createServer();
    closed.listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const port = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, 'close');
    const exchange = await new GraphClient({
      graphUrl: `http://127.0.0.1:${port}`,
      apiVersion: 'v24.0',
    }).send({
      pixelId: '1',
      accessToken: TOKEN,
      events: [event(1)],
    });
    expect(exchange.status).toBe(0);
    expect(exchange.outcome.kind).toBe('transient');
    expect(exchange.outcome).toMatchObject({ message: expect.stringContaining('network error') });
  });

  it('refuses empty batches and more than 1000 events', async () => {
    const c = client();
    const many = Array.from({ length: 1001 }, (_, i) => event(i));
    await expect(c.send({ pixelId: '1', accessToken: TOKEN, events: many })).rejects.toThrow(RangeError);
    await expect(c.send({ pixelId: '1', accessToken: TOKEN, events: [] })).rejects.toThrow(RangeError);
    expect(recorded).toHaveLength(0);
  });
});
