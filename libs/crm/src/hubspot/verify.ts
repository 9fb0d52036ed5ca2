// Verifies that a request really comes from HubSpot (crm-webhooks.md §1.3–1.4): v3 when its header is
// present (it is then the only scheme consulted), otherwise the legacy X-HubSpot-Signature (v2 or v1).
import { timingSafeEqual } from 'node:crypto';
import type { SignatureCheck } from '../lifecycle-change';
import { hubspotV1Signature, hubspotV2Signature, hubspotV3Signature } from './signature';

/** A v3 timestamp older than this is refused (HubSpot's own rule). */
export const HUBSPOT_MAX_TIMESTAMP_AGE_MS = 5 * 60_000;
/** A v3 timestamp further than this in the future is refused too (clock skew allowance). */
export const HUBSPOT_MAX_TIMESTAMP_SKEW_MS = 5 * 60_000;

export interface HubspotVerifyInput {
  method: string;
  /** Full URI as HubSpot called it, e.g. `https://host/webhooks/hubspot?x=y` (see hubspotRequestUri). */
  uri: string;
  /** The exact bytes received; never a re-serialised JSON body. */
  rawBody: Buffer | string;
  /** Lower-case header names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  clientSecret: string;
  /** Current time in epoch ms (tests). */
  now?: number;
}

function header(headers: HubspotVerifyInput['headers'], name: string): string | undefined {
  let value = headers[name];
  if (value === undefined) {
    const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
    value = key === undefined ? undefined : headers[key];
  }
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed ? trimmed : undefined;
}

/** Constant-time string comparison; unequal lengths fail without comparing. */
function safeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const fail = (reason: string): SignatureCheck => ({ ok: false, reason });

function verifyV3(input: HubspotVerifyInput, signature: string): SignatureCheck {
  const timestamp = header(input.headers, 'x-hubspot-request-timestamp');
  if (timestamp === undefined) return fail('missing_timestamp');
  if (!/^\d{1,16}$/.test(timestamp)) return fail('bad_timestamp');
  const age = (input.now ?? Date.now()) - Number(timestamp);
  if (age > HUBSPOT_MAX_TIMESTAMP_AGE_MS) return fail('stale_timestamp');
  if (-age > HUBSPOT_MAX_TIMESTAMP_SKEW_MS) return fail('future_timestamp');
  // Some proxies turn the base64 '+' into a space.
  const given = signature.replace(/ /g, '+');
  const expected = hubspotV3Signature({ ...input, timestamp });
  return safeEqual(expected, given) ? { ok: true, scheme: 'v3' } : fail('bad_signature');
}

/**
 * Checks the HubSpot signature of one request. Prefers v3 (timestamped, replay-protected); falls back to
 * the legacy `X-HubSpot-Signature` only when no v3 header was sent, using `X-HubSpot-Signature-Version`
 * (`v2`: method + URI + body; `v1` or absent: body only). Reasons are fixed strings, never secrets.
 */
export function verifyHubspotRequest(input: HubspotVerifyInput): SignatureCheck {
  if (!input.clientSecret) return fail('missing_secret');

  const v3 = header(input.headers, 'x-hubspot-signature-v3');
  if (v3 !== undefined) return verifyV3(input, v3);

  const legacy = header(input.headers, 'x-hubspot-signature');
  if (legacy === undefined) return fail('missing_signature');
  const version = (header(input.headers, 'x-hubspot-signature-version') ?? 'v1').toLowerCase();
  const given = legacy.toLowerCase();
  if (version === 'v2') {
    return safeEqual(hubspotV2Signature(input), given) ? { ok: true, scheme: 'v2' } : fail('bad_signature');
  }
  if (version === 'v1') {
    return safeEqual(hubspotV1Signature(input), given) ? { ok: true, scheme: 'v1' } : fail('bad_signature');
  }
  return fail('unsupported_signature_version');
}

/**
 * Rebuilds the URI HubSpot called from the request's scheme, host and original URL (path + query, as
 * received, not re-encoded). Takes the first value of a comma list (`X-Forwarded-Proto: https,http`).
 */
export function hubspotRequestUri(proto: string, host: string, originalUrl: string): string {
  const scheme = proto.split(',')[0].trim().replace(/:$/, '').toLowerCase();
  const authority = host.split(',')[0].trim();
  const path = originalUrl.startsWith('/') ? originalUrl : `/${originalUrl}`;
  return `${scheme}://${authority}${path}`;
}

/**
 * Behind a proxy: the signed URI from the configured public base URL (`PUBLIC_BASE_URL`, e.g.
 * `https://journey.example.com`) and the original URL. A path in the base is prepended as is.
 */
export function hubspotRequestUriFromBase(publicBaseUrl: string, originalUrl: string): string {
  const base = publicBaseUrl.trim().replace(/\/+$/, '');
  const path = originalUrl.startsWith('/') ? originalUrl : `/${originalUrl}`;
  return `${base}${path}`;
}
