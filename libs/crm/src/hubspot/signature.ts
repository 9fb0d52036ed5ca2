// HubSpot request signatures (crm-webhooks.md §1.4): the three algorithms, used by the verifier (and by
// @app/crm-testing to sign test deliveries). Plain functions over node:crypto.
import { createHash, createHmac } from 'node:crypto';

export type HubspotSignatureScheme = 'v3' | 'v2' | 'v1';

/** The only escapes HubSpot decodes in the request URI before signing v3; every other escape stays as is. */
const V3_DECODED_ESCAPES: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};
const V3_ESCAPE_PATTERN = /%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi;

/** The URI as HubSpot signs it for v3: the twelve listed percent-escapes decoded, nothing else touched. */
export function hubspotV3SignedUri(uri: string): string {
  return uri.replace(V3_ESCAPE_PATTERN, (m) => V3_DECODED_ESCAPES[m.toUpperCase()] ?? m);
}

function bodyBytes(rawBody: Buffer | string): Buffer {
  return typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;
}

export interface HubspotSignatureInput {
  method: string;
  /** Full URI as HubSpot called it: scheme, host, path and query, e.g. `https://host/webhooks/hubspot?x=y`. */
  uri: string;
  rawBody: Buffer | string;
  clientSecret: string;
}

/** v3: base64 HMAC-SHA256 (key = client secret) over method + decoded URI + body + timestamp header string. */
export function hubspotV3Signature(input: HubspotSignatureInput & { timestamp: string }): string {
  return createHmac('sha256', input.clientSecret)
    .update(Buffer.from(input.method.toUpperCase() + hubspotV3SignedUri(input.uri), 'utf8'))
    .update(bodyBytes(input.rawBody))
    .update(Buffer.from(input.timestamp, 'utf8'))
    .digest('base64');
}

/** v2: hex SHA-256 of secret + method + URI (exactly as called, no decoding) + body. */
export function hubspotV2Signature(input: HubspotSignatureInput): string {
  return createHash('sha256')
    .update(Buffer.from(input.clientSecret + input.method.toUpperCase() + input.uri, 'utf8'))
    .update(bodyBytes(input.rawBody))
    .digest('hex');
}

/** v1: hex SHA-256 of secret + body (no method, no URI). */
export function hubspotV1Signature(input: Pick<HubspotSignatureInput, 'rawBody' | 'clientSecret'>): string {
  return createHash('sha256')
    .update(Buffer.from(input.clientSecret, 'utf8'))
    .update(bodyBytes(input.rawBody))
    .digest('hex');
}
