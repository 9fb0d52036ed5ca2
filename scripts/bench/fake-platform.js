// What the bench's Google, TikTok and LinkedIn fakes share: a node:http server on 127.0.0.1 (random port)
// that reads each body, lets the platform's handler answer, and records when each event id arrived, as
// fake-graph.js does for Meta, so the pipeline run can time receipt → platform request per destination.
// Fast and bodiless on purpose: test/fakes/ holds the faithful fakes.
'use strict';
const { once } = require('node:events');
const http = require('node:http');

/**
 * `handle({ method, path, query, headers, raw })` returns `{ status, body, headers?, refused?, events? }`:
 * `events` are the ids the platform took in this request, each `{ id, clicked }` (clicked: it carried the
 * platform's own click id); `refused` marks an error answered with HTTP 200 (TikTok's envelope).
 */
async function startFakePlatform(handle) {
  /** event id → arrival times (ms since epoch); more than one means the platform saw a duplicate. */
  const arrivals = new Map();
  /** `requests`: those that carried events; token and status calls are not counted. */
  const stats = { requests: 0, events: 0, refused: 0, clicked: 0 };
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const at = Date.now();
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let answer;
      try {
        const raw = Buffer.concat(chunks).toString('utf8');
        answer = handle({
          method: req.method,
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          raw,
        });
      } catch (error) {
        answer = { status: 400, body: { message: `the request could not be read: ${error.message}` } };
      }
      if (answer.refused || answer.status >= 400) stats.refused++;
      if (answer.events?.length) stats.requests++;
      for (const { id, clicked } of answer.events ?? []) {
        const seen = arrivals.get(id);
        if (seen) seen.push(at);
        else {
          arrivals.set(id, [at]);
          if (clicked) stats.clicked++;
        }
        stats.events++;
      }
      res.writeHead(answer.status, { 'content-type': 'application/json; charset=UTF-8', ...answer.headers });
      res.end(JSON.stringify(answer.body));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    arrivals,
    stats,
    /** Distinct event ids taken so far. */
    distinct: () => arrivals.size,
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The parsed JSON body, or undefined when it is not a JSON object. */
function jsonObject(raw) {
  try {
    const value = JSON.parse(raw);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

module.exports = { jsonObject, startFakePlatform };
