// A minimal stand-in for LinkedIn's Conversions API for the pipeline benchmark: `POST /rest/conversionEvents`
// (BATCH_CREATE, Bearer token, LinkedIn-Version header) with `{elements: [{eventId, …}]}`; answers 200
// `{elements: [{status: 201}, …]}`, one per element, like LinkedIn. A wrong token fails loudly (401).
'use strict';
const { randomBytes } = require('node:crypto');
const { jsonObject, startFakePlatform } = require('./fake-platform.js');

const CLICK_ID_TYPE = 'LINKEDIN_FIRST_PARTY_ADS_TRACKING_UUID';

function startFakeLinkedIn({ accessToken }) {
  return startFakePlatform(({ method, path, headers, raw }) => {
    const answer = (status, body, events) => ({
      status,
      body,
      headers: { 'x-li-uuid': randomBytes(12).toString('base64') },
      events,
    });
    if (method !== 'POST' || path !== '/rest/conversionEvents')
      return answer(404, { status: 404, message: `No virtual resource found: ${path}` });
    if (headers.authorization !== `Bearer ${accessToken}`)
      return answer(401, {
        status: 401,
        serviceErrorCode: 65600,
        code: 'INVALID_ACCESS_TOKEN',
        message: 'Invalid access token',
      });
    if (!headers['linkedin-version'] || headers['x-restli-method'] !== 'BATCH_CREATE')
      return answer(400, {
        status: 400,
        message: 'LinkedIn-Version and X-RestLi-Method BATCH_CREATE are required',
      });
    const elements = jsonObject(raw)?.elements;
    if (!Array.isArray(elements) || !elements.length || !elements.every((element) => element.eventId))
      return answer(422, { status: 422, message: 'elements must hold events with an eventId' });
    return answer(
      200,
      { elements: elements.map(() => ({ status: 201 })) },
      elements.map((element) => ({
        id: element.eventId,
        clicked: (element.user?.userIds ?? []).some((userId) => userId.idType === CLICK_ID_TYPE),
      })),
    );
  });
}

module.exports = { startFakeLinkedIn };
