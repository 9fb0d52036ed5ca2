import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { postJson, redact, retryAfterMs } from './post-json';

describe('postJson', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') return; // never answers
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ echoed: req.headers['x-token'] }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    server.close();
    await once(server, 'close');
  });

  it('redacts the secrets from what came back', async () => {
    const result = await postJson({
      url,
      headers: { 'x-token': 's3cret-token' },
      body: '{}',
      timeoutMs: 2000,
      secrets: ['s3cret-token'],
    });
    expect(result).toMatchObject({ status: 200, body: { echoed: '[redacted]' } });
  });

  it('answers a timeout as status 0 without throwing', async () => {
    const result = await postJson({
      url: `${url}/slow`,
      headers: {},
      body: '{}',
      timeoutMs: 50,
      secrets: [],
    });
    expect(result).toMatchObject({ status: 0, error: 'timeout after 50 ms' });
  });
});

describe('retryAfterMs', () => {
  it('reads seconds and HTTP dates', () => {
    expect(retryAfterMs(new Headers({ 'retry-after': '3' }))).toBe(3000);
    const now = Date.parse('2026-09-20T10:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sun, 20 Sep 2026 10:00:05 GMT' }), now)).toBe(5000);
    expect(retryAfterMs(new Headers({ 'retry-after': '0' }))).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});

describe('redact', () => {
  it('leaves values without a secret untouched', () => {
    const value = { a: 1 };
    expect(redact(value, ['zzz', undefined])).toBe(value);
  });
});
