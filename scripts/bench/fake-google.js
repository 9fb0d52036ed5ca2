// A minimal stand-in for Google's OAuth token endpoint and Data Manager API for the pipeline benchmark:
// `POST /token` (refresh-token grant) answers `{access_token, expires_in, token_type}`; `POST
// /v1/events:ingest` with `{destinations, encoding, events: [{transactionId, …}]}` answers 200 `{requestId}`;
// `GET /v1/requestStatus:retrieve` answers SUCCESS (the worker reads accepted requests back every minute).
// Wrong credentials or account fail loudly, so a mis-configured run measures nothing instead of wrong figures.
'use strict';
const { randomUUID } = require('node:crypto');
const { jsonObject, startFakePlatform } = require('./fake-platform.js');

const ACCESS_TOKEN = 'ya29.bench-access-token';

const googleError = (status, code, message) => ({
  status,
  body: { error: { code: status, message, status: code } },
});

function startFakeGoogle({ clientId, customerId }) {
  return startFakePlatform(({ method, path, headers, raw }) => {
    if (method === 'POST' && path === '/token') {
      const form = new URLSearchParams(raw);
      if (form.get('grant_type') !== 'refresh_token' || form.get('client_id') !== clientId)
        return {
          status: 401,
          body: { error: 'invalid_client', error_description: 'The OAuth client was not found.' },
        };
      return { status: 200, body: { access_token: ACCESS_TOKEN, expires_in: 3599, token_type: 'Bearer' } };
    }
    if (headers.authorization !== `Bearer ${ACCESS_TOKEN}`)
      return googleError(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.');
    if (method === 'GET' && path === '/v1/requestStatus:retrieve') {
      const requestStatusPerDestination = [{ requestStatus: 'SUCCESS', errorInfo: { errorCounts: [] } }];
      return { status: 200, body: { requestStatusPerDestination } };
    }
    if (method !== 'POST' || path !== '/v1/events:ingest') return googleError(404, 'NOT_FOUND', 'Not found');
    const body = jsonObject(raw);
    const events = Array.isArray(body?.events) ? body.events : [];
    const destinations = Array.isArray(body?.destinations) ? body.destinations : [];
    if (!events.length || !destinations.length || body.encoding !== 'HEX')
      return googleError(400, 'INVALID_ARGUMENT', 'destinations, encoding HEX and events are required');
    if (!destinations.every((destination) => destination.operatingAccount?.accountId === customerId))
      return googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission');
    if (!events.every((event) => typeof event.transactionId === 'string' && event.transactionId))
      return googleError(400, 'INVALID_ARGUMENT', 'events[].transactionId is required');
    return {
      status: 200,
      body: { requestId: randomUUID() },
      events: events.map((event) => ({
        id: event.transactionId,
        clicked: Boolean(event.adIdentifiers?.gclid),
      })),
    };
  });
}

module.exports = { startFakeGoogle };
