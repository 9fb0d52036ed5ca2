import { signHubspotV3 } from '@app/crm-testing';
import { hubspotV1Signature, hubspotV2Signature, hubspotV3Signature, hubspotV3SignedUri } from './signature';
import {
  hubspotRequestUri,
  hubspotRequestUriFromBase,
  verifyHubspotRequest,
  type HubspotVerifyInput,
} from './verify';

// Test vectors: shared/reference/crm-webhooks.md §1.4.
const SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const V1_BODY =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const V1_SIG = '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de';
const EXAMPLE_URI = 'https://www.example.com/webhook_uri';
const EXAMPLE_BODY = '{"example_field":"example_value"}';
const V2_GET_SIG = 'eee2dddcc73c94d699f5e395f4b9d454a069a6855fbfa152e91e88823087200e';
const V2_POST_SIG = '9569219f8ba981ffa6f6f16aa0f48637d35d728c7e4d93d0d52efaa512af7900';

const HS_SECRET = 'cfc68c0b-4b4e-4ef8-b764-95350e4ea479';
const HS_URI = 'https://webhook.site/335453f5-94b3-49d9-b684-a55354d4b8df';
const HS_TS = '1752613922216';
const HS_BODY =
  '[{"eventId":531833541,"subscriptionId":3923621,"portalId":48807704,"appId":16111050,"occurredAt":1752613920733,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":138017612137,"changeFlag":"CREATED","changeSource":"CRM_UI","sourceId":"userId:76023669"}]';
const HS_SIG = 'gbj1XPRvUt0noT7i7fXfTzOD4sLzQmf0VT28ZYq0EYg=';

const LOCAL_TS = '1564113600000';
const LOCAL_SIG = 'eT0ip2TKVpsIi1vb5C2Uu42eNdHL+oTE3NRZOF67O2U=';
const ENCODED_URI = 'https://www.example.com/webhook_uri?tag=a%3Ab%40c';
const DECODED_SIG = 'cuLR6Q6BlJEpn7VOGphvBhSU/elAdOQF2lL4cWHfjqU=';
const RAW_ENCODED_SIG = 'UklcAuka9mhUnZZ2gyTGvmCEEI+FMJp/cEYpgeuOqmk=';

function v3(
  signature: string,
  over: Partial<HubspotVerifyInput> & { timestamp?: string } = {},
): HubspotVerifyInput {
  const { timestamp = HS_TS, ...rest } = over;
  return {
    method: 'POST',
    uri: HS_URI,
    rawBody: Buffer.from(HS_BODY, 'utf8'),
    headers: { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp },
    clientSecret: HS_SECRET,
    now: Number(timestamp) + 1_000,
    ...rest,
  };
}

describe('HubSpot signature algorithms (reference vectors)', () => {
  it('v1: sha256 hex of secret + body', () => {
    expect(hubspotV1Signature({ clientSecret: SECRET, rawBody: V1_BODY })).toBe(V1_SIG);
  });

  it('v2: GET without body and POST with body', () => {
    expect(hubspotV2Signature({ method: 'GET', uri: EXAMPLE_URI, rawBody: '', clientSecret: SECRET })).toBe(
      V2_GET_SIG,
    );
    expect(
      hubspotV2Signature({ method: 'POST', uri: EXAMPLE_URI, rawBody: EXAMPLE_BODY, clientSecret: SECRET }),
    ).toBe(V2_POST_SIG);
  });

  it("v3: HubSpot's published example and the locally computed one", () => {
    expect(
      hubspotV3Signature({
        method: 'POST',
        uri: HS_URI,
        rawBody: HS_BODY,
        timestamp: HS_TS,
        clientSecret: HS_SECRET,
      }),
    ).toBe(HS_SIG);
    const local = { method: 'POST', uri: EXAMPLE_URI, rawBody: EXAMPLE_BODY, timestamp: LOCAL_TS };
    expect(hubspotV3Signature({ ...local, clientSecret: SECRET })).toBe(LOCAL_SIG);
  });

  it('v3: decodes only the twelve listed escapes in the URI', () => {
    expect(hubspotV3SignedUri(ENCODED_URI)).toBe('https://www.example.com/webhook_uri?tag=a:b@c');
    expect(hubspotV3SignedUri('/p?a=%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B')).toBe("/p?a=:/?@!$'()*,;");
    expect(hubspotV3SignedUri('/p?a=%20%2B%26%3D%25')).toBe('/p?a=%20%2B%26%3D%25');
    const sig = hubspotV3Signature({
      method: 'POST',
      uri: ENCODED_URI,
      rawBody: V1_BODY,
      timestamp: LOCAL_TS,
      clientSecret: SECRET,
    });
    expect(sig).toBe(DECODED_SIG);
  });

  it('signHubspotV3 produces the headers the verifier accepts', () => {
    const headers = signHubspotV3({
      uri: HS_URI,
      rawBody: HS_BODY,
      clientSecret: HS_SECRET,
      timestamp: HS_TS,
    });
    expect(headers).toEqual({ 'x-hubspot-signature-v3': HS_SIG, 'x-hubspot-request-timestamp': HS_TS });
    const now = Date.now();
    const fresh = signHubspotV3({ uri: HS_URI, rawBody: HS_BODY, clientSecret: HS_SECRET });
    expect(Math.abs(Number(fresh['x-hubspot-request-timestamp']) - now)).toBeLessThan(5_000);
    expect(verifyHubspotRequest({ ...v3(''), headers: fresh, now: undefined })).toEqual({
      ok: true,
      scheme: 'v3',
    });
  });
});

describe(verifyHubspotRequest.name, () => {
  describe('v3', () => {
    it("accepts HubSpot's published example (raw bytes or string body)", () => {
      expect(verifyHubspotRequest(v3(HS_SIG))).toEqual({ ok: true, scheme: 'v3' });
      expect(verifyHubspotRequest({ ...v3(HS_SIG), rawBody: HS_BODY })).toEqual({ ok: true, scheme: 'v3' });
    });

    it('accepts the locally computed vector', () => {
      const input = v3(LOCAL_SIG, {
        uri: EXAMPLE_URI,
        rawBody: EXAMPLE_BODY,
        clientSecret: SECRET,
        timestamp: LOCAL_TS,
      });
      expect(verifyHubspotRequest(input)).toEqual({ ok: true, scheme: 'v3' });
    });

    it('accepts the URI-decoding vector and refuses the signature over the raw encoded URI', () => {
      const base = { uri: ENCODED_URI, rawBody: V1_BODY, clientSecret: SECRET, timestamp: LOCAL_TS };
      expect(verifyHubspotRequest(v3(DECODED_SIG, base))).toEqual({ ok: true, scheme: 'v3' });
      expect(verifyHubspotRequest(v3(RAW_ENCODED_SIG, base))).toEqual({ ok: false, reason: 'bad_signature' });
    });

    it('accepts timestamps up to 5 minutes old, refuses older ones and ones far in the future', () => {
      const ts = Number(HS_TS);
      expect(verifyHubspotRequest({ ...v3(HS_SIG), now: ts + 300_000 }).ok).toBe(true);
      expect(verifyHubspotRequest({ ...v3(HS_SIG), now: ts + 300_001 })).toEqual({
        ok: false,
        reason: 'stale_timestamp',
      });
      expect(verifyHubspotRequest({ ...v3(HS_SIG), now: ts - 60_000 }).ok).toBe(true);
      expect(verifyHubspotRequest({ ...v3(HS_SIG), now: ts - 3_600_000 })).toEqual({
        ok: false,
        reason: 'future_timestamp',
      });
    });

    it('refuses a tampered body, a wrong secret, another URI, another method or another timestamp', () => {
      const bad = { ok: false, reason: 'bad_signature' };
      expect(
        verifyHubspotRequest({ ...v3(HS_SIG), rawBody: HS_BODY.replace('48807704', '48807705') }),
      ).toEqual(bad);
      expect(verifyHubspotRequest({ ...v3(HS_SIG), clientSecret: SECRET })).toEqual(bad);
      expect(verifyHubspotRequest({ ...v3(HS_SIG), uri: `${HS_URI}?x=1` })).toEqual(bad);
      expect(verifyHubspotRequest({ ...v3(HS_SIG), uri: HS_URI.replace('https', 'http') })).toEqual(bad);
      expect(verifyHubspotRequest({ ...v3(HS_SIG), method: 'PUT' })).toEqual(bad);
      expect(verifyHubspotRequest(v3(HS_SIG, { timestamp: String(Number(HS_TS) + 1) }))).toEqual(bad);
      expect(verifyHubspotRequest(v3('gbj1XPRvUt0noT7i7fXfTzOD4sLzQmf0VT28ZYq0EY='))).toEqual(bad);
      expect(verifyHubspotRequest(v3('not base64 at all'))).toEqual(bad);
    });

    it('tolerates a base64 "+" turned into a space and array-valued headers', () => {
      const input = v3(LOCAL_SIG.replace('+', ' '), {
        uri: EXAMPLE_URI,
        rawBody: EXAMPLE_BODY,
        clientSecret: SECRET,
        timestamp: LOCAL_TS,
      });
      expect(verifyHubspotRequest(input).ok).toBe(true);
      const arrays = { 'x-hubspot-signature-v3': [HS_SIG], 'x-hubspot-request-timestamp': [HS_TS] };
      expect(verifyHubspotRequest({ ...v3(HS_SIG), headers: arrays }).ok).toBe(true);
    });

    it('refuses a missing or malformed timestamp', () => {
      const noTs = { ...v3(HS_SIG), headers: { 'x-hubspot-signature-v3': HS_SIG } };
      expect(verifyHubspotRequest(noTs)).toEqual({ ok: false, reason: 'missing_timestamp' });
      expect(verifyHubspotRequest(v3(HS_SIG, { timestamp: '1752613922.216', now: Number(HS_TS) }))).toEqual({
        ok: false,
        reason: 'bad_timestamp',
      });
    });

    it('never falls back to a legacy signature when a v3 header is present', () => {
      const headers = {
        'x-hubspot-signature-v3': 'AAAA',
        'x-hubspot-request-timestamp': LOCAL_TS,
        'x-hubspot-signature': V1_SIG,
        'x-hubspot-signature-version': 'v1',
      };
      const input = { ...v3(''), rawBody: V1_BODY, clientSecret: SECRET, headers, now: Number(LOCAL_TS) };
      expect(verifyHubspotRequest(input)).toEqual({ ok: false, reason: 'bad_signature' });
    });
  });

  describe('legacy X-HubSpot-Signature', () => {
    const legacy = (
      signature: string,
      version: string | undefined,
      over: Partial<HubspotVerifyInput> = {},
    ) => ({
      method: 'POST',
      uri: EXAMPLE_URI,
      rawBody: EXAMPLE_BODY,
      clientSecret: SECRET,
      headers: { 'x-hubspot-signature': signature, 'x-hubspot-signature-version': version },
      ...over,
    });

    it('v1 vector, with or without the version header', () => {
      expect(verifyHubspotRequest(legacy(V1_SIG, 'v1', { rawBody: V1_BODY }))).toEqual({
        ok: true,
        scheme: 'v1',
      });
      expect(verifyHubspotRequest(legacy(V1_SIG, undefined, { rawBody: V1_BODY }))).toEqual({
        ok: true,
        scheme: 'v1',
      });
      expect(
        verifyHubspotRequest(legacy(V1_SIG.toUpperCase(), 'V1', { rawBody: Buffer.from(V1_BODY) })).ok,
      ).toBe(true);
    });

    it('v2 vectors (GET without body, POST with body)', () => {
      expect(verifyHubspotRequest(legacy(V2_GET_SIG, 'v2', { method: 'GET', rawBody: '' }))).toEqual({
        ok: true,
        scheme: 'v2',
      });
      expect(verifyHubspotRequest(legacy(V2_POST_SIG, 'v2'))).toEqual({ ok: true, scheme: 'v2' });
    });

    it('refuses tampered bodies, wrong secrets, wrong URIs and mismatched versions', () => {
      const bad = { ok: false, reason: 'bad_signature' };
      expect(verifyHubspotRequest(legacy(V1_SIG, 'v1', { rawBody: V1_BODY.replace('123', '124') }))).toEqual(
        bad,
      );
      expect(
        verifyHubspotRequest(legacy(V1_SIG, 'v1', { rawBody: V1_BODY, clientSecret: HS_SECRET })),
      ).toEqual(bad);
      expect(verifyHubspotRequest(legacy(V2_POST_SIG, 'v2', { uri: `${EXAMPLE_URI}/` }))).toEqual(bad);
      expect(verifyHubspotRequest(legacy(V2_POST_SIG, 'v2', { rawBody: `${EXAMPLE_BODY} ` }))).toEqual(bad);
      expect(verifyHubspotRequest(legacy(V2_POST_SIG, 'v1'))).toEqual(bad);
      expect(verifyHubspotRequest(legacy(V2_POST_SIG.slice(0, 63), 'v2'))).toEqual(bad);
    });

    it('refuses unknown signature versions', () => {
      expect(verifyHubspotRequest(legacy(V2_POST_SIG, 'v9'))).toEqual({
        ok: false,
        reason: 'unsupported_signature_version',
      });
    });
  });

  it('refuses a request without signature headers, or when no secret is configured', () => {
    const input = { method: 'POST', uri: HS_URI, rawBody: HS_BODY, clientSecret: HS_SECRET };
    expect(verifyHubspotRequest({ ...input, headers: {} })).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
    expect(verifyHubspotRequest({ ...input, headers: { 'x-hubspot-signature-v3': '' } })).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
    expect(verifyHubspotRequest({ ...v3(HS_SIG), clientSecret: '' })).toEqual({
      ok: false,
      reason: 'missing_secret',
    });
  });

  it('finds headers whatever their case', () => {
    const headers = { 'X-HubSpot-Signature-v3': HS_SIG, 'X-HubSpot-Request-Timestamp': HS_TS };
    expect(verifyHubspotRequest({ ...v3(HS_SIG), headers }).ok).toBe(true);
  });
});

describe('request URI helpers', () => {
  it('rebuilds the URI HubSpot called', () => {
    expect(hubspotRequestUri('https', 'journey.example.com', '/webhooks/hubspot?a=%3A')).toBe(
      'https://journey.example.com/webhooks/hubspot?a=%3A',
    );
    expect(hubspotRequestUri('https,http', 'h.example.com:8443', '/webhooks/hubspot')).toBe(
      'https://h.example.com:8443/webhooks/hubspot',
    );
    expect(hubspotRequestUriFromBase('https://journey.example.com/', '/webhooks/hubspot?x=y')).toBe(
      'https://journey.example.com/webhooks/hubspot?x=y',
    );
  });
});
