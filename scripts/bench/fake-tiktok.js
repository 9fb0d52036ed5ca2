// A minimal stand-in for TikTok's Events API 2.0 for the pipeline benchmark: `POST
// /open_api/v1.3/event/track/` with an `Access-Token` header and `{event_source, event_source_id,
// data: [{event_id, …}]}`; answers like TikTok, errors included as HTTP 200 with a non-zero `code`.
// A wrong token or pixel code fails loudly, so a mis-configured run measures nothing instead of wrong figures.
'use strict';
const { randomBytes } = require('node:crypto');
const { jsonObject, startFakePlatform } = require('./fake-platform.js');

const PATH = '/open_api/v1.3/event/track/';

function startFakeTikTok({ accessToken, pixelCode }) {
  return startFakePlatform(({ method, path, headers, raw }) => {
    const reply = (code, message, events) => ({
      status: 200,
      refused: code !== 0,
      body: { code, message, request_id: randomBytes(12).toString('hex'), data: {} },
      events,
    });
    if (method !== 'POST' || path !== PATH) return { status: 404, body: { message: 'Not Found' } };
    if (headers['access-token'] !== accessToken)
      return reply(40105, 'The access token is invalid or has been revoked.');
    const body = jsonObject(raw);
    if (!body) return reply(40002, 'Request body is not valid JSON.');
    if (body.event_source !== 'web' || body.event_source_id !== pixelCode)
      return reply(40001, `No permission to operate event source ${body.event_source_id}`);
    const data = Array.isArray(body.data) ? body.data : [];
    if (!data.length || !data.every((event) => typeof event.event_id === 'string' && event.event_id))
      return reply(40002, 'data: every event needs an event_id.');
    return reply(
      0,
      'OK',
      data.map((event) => ({ id: event.event_id, clicked: Boolean(event.user?.ttclid) })),
    );
  });
}

module.exports = { startFakeTikTok };
