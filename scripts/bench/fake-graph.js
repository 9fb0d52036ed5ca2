// A minimal stand-in for Meta's Graph API, fast enough not to be what the pipeline benchmark measures:
// `POST /v<version>/<pixel>/events` with the body GraphClient (libs/destinations) sends, JSON
// `{ data: [...], access_token }` (a form body with `data=<json>` or a query `access_token` work too).
// Answers 200 `{ events_received, messages, fbtrace_id }` like Meta, and records when each event_id arrived.
// test/fakes/graph-api.ts is the faithful fake; this one keeps no request bodies.
'use strict';
const { randomBytes } = require('node:crypto');
const { once } = require('node:events');
const http = require('node:http');

const PATH = /^\/v\d+\.\d+\/([^/]+)\/events\/?$/;

function parse(raw, contentType) {
  if (contentType.includes('application/json')) return JSON.parse(raw);
  const form = Object.fromEntries(new URLSearchParams(raw));
  return { ...form, data: form.data === undefined ? undefined : JSON.parse(form.data) };
}

/**
 * Starts on 127.0.0.1 (random port). `accessToken` and `pixelId`, when given, must match: a mis-configured
 * run then fails loudly (Graph's code 190 / 100) instead of measuring nothing.
 */
async function startFakeGraph({ accessToken, pixelId } = {}) {
  /** event_id → arrival times (ms since epoch); more than one means Graph saw a duplicate. */
  const arrivals = new Map();
  const stats = { requests: 0, events: 0, refused: 0 };

  const answer = (res, status, body) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
    res.end(JSON.stringify(body));
  };
  const refuse = (res, status, code, message) => {
    stats.refused++;
    answer(res, status, { error: { message, type: 'OAuthException', code, fbtrace_id: fbtraceId() } });
  };

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      stats.requests++;
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const match = PATH.exec(url.pathname);
      if (req.method !== 'POST' || !match) return refuse(res, 400, 2500, `Unknown path ${url.pathname}`);
      let params;
      try {
        params = parse(Buffer.concat(chunks).toString('utf8'), req.headers['content-type'] ?? '');
      } catch {
        return refuse(res, 400, 100, '(#100) the request body could not be parsed');
      }
      const token = params.access_token ?? url.searchParams.get('access_token');
      if (accessToken !== undefined && token !== accessToken)
        return refuse(res, 400, 190, 'Invalid OAuth access token');
      if (pixelId !== undefined && decodeURIComponent(match[1]) !== pixelId)
        return refuse(res, 400, 100, 'Unsupported post request (unknown pixel)');
      const data = Array.isArray(params.data) ? params.data : undefined;
      if (!data?.length) return refuse(res, 400, 100, '(#100) param data must be an array of events');
      for (const event of data) {
        const seen = arrivals.get(event.event_id);
        if (seen) seen.push(at);
        else arrivals.set(event.event_id, [at]);
      }
      stats.events += data.length;
      answer(res, 200, { events_received: data.length, messages: [], fbtrace_id: fbtraceId() });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');

  return {
    url: `http://127.0.0.1:${server.address().port}`,
    arrivals,
    stats,
    /** Distinct event_ids accepted so far. */
    distinct: () => arrivals.size,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const fbtraceId = () => randomBytes(18).toString('base64url').slice(0, 23);

module.exports = { startFakeGraph };
