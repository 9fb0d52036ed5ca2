// Authenticity of HighLevel webhooks (shared/reference/crm-webhooks.md §2.3, §2.5).
// Marketplace apps: `x-ghl-signature` (Ed25519 over the body, base64) is preferred and, when present,
// decides alone (no fallback); otherwise the legacy `x-wh-signature` (RSA-SHA256 PKCS#1 v1.5, base64),
// which HighLevel stops sending on 2026-07-01 and which is still accepted here. A header value of
// 'N/A' counts as absent. HighLevel signs its compact JSON serialisation, so the raw bytes are tried
// first, then JSON.stringify(JSON.parse(raw)). Then the body's `timestamp` is checked against a window.
// Workflow "Webhook" actions are not documented as signed: they carry our shared secret instead.
import { createHash, createPublicKey, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { SignatureCheck } from '../lifecycle-change';

export type GoHighLevelHeaders = Record<string, string | string[] | undefined>;

/** After this date HighLevel signs only with x-ghl-signature (x-wh-signature end of life). */
export const GOHIGHLEVEL_RSA_SIGNATURE_END_OF_LIFE = '2026-07-01';
/** How old the body's `timestamp` may be (HighLevel suggests 5 minutes). */
export const GOHIGHLEVEL_MAX_AGE_MS = 5 * 60_000;
/** How far in the future the body's `timestamp` may be (clock skew between HighLevel and us). */
export const GOHIGHLEVEL_MAX_FUTURE_SKEW_MS = 60_000;
/**
 * The age our endpoint accepts: HighLevel's only retries (after our 429) come 10-70 min later with the
 * original timestamp, which a 5-minute window would refuse. Replays stay harmless: webhookId deduplicates.
 */
export const GOHIGHLEVEL_RETRY_WINDOW_MS = 75 * 60_000;

export const GOHIGHLEVEL_SCHEME_ED25519 = 'ghl-ed25519';
export const GOHIGHLEVEL_SCHEME_RSA = 'ghl-rsa-sha256-legacy';
export const GOHIGHLEVEL_SCHEME_WORKFLOW_SECRET = 'ghl-workflow-secret';

export interface GoHighLevelVerifyInput {
  rawBody: Buffer | string;
  /** Lower-case header names. */
  headers: GoHighLevelHeaders;
  ed25519PublicKeyPem: string;
  rsaPublicKeyPem: string;
  /** Epoch milliseconds; default Date.now(). */
  now?: number;
  /** Default GOHIGHLEVEL_MAX_AGE_MS. */
  maxAgeMs?: number;
  /** Default GOHIGHLEVEL_MAX_FUTURE_SKEW_MS. */
  maxFutureSkewMs?: number;
}

const refuse = (reason: string): SignatureCheck => ({ ok: false, reason });

export function verifyGoHighLevelRequest(input: GoHighLevelVerifyInput): SignatureCheck {
  const raw = typeof input.rawBody === 'string' ? Buffer.from(input.rawBody, 'utf8') : input.rawBody;
  const ghl = header(input.headers, 'x-ghl-signature');
  const wh = header(input.headers, 'x-wh-signature');
  if (ghl === null || (ghl === undefined && wh === null)) return refuse('ambiguous signature header');

  let scheme: string;
  if (ghl !== undefined) {
    const key = publicKey(input.ed25519PublicKeyPem, 'ed25519');
    if (key === undefined) return refuse('ed25519 public key unusable');
    const sig = decodeSignature(ghl);
    if (sig === undefined || sig.length !== 64) return refuse('malformed x-ghl-signature');
    if (!anyForm(raw, (data) => verify(null, data, key, sig))) return refuse('x-ghl-signature mismatch');
    scheme = GOHIGHLEVEL_SCHEME_ED25519;
  } else if (typeof wh === 'string') {
    const key = publicKey(input.rsaPublicKeyPem, 'rsa');
    if (key === undefined) return refuse('rsa public key unusable');
    const sig = decodeSignature(wh);
    if (sig === undefined) return refuse('malformed x-wh-signature');
    if (!anyForm(raw, (data) => verify('sha256', data, key, sig))) return refuse('x-wh-signature mismatch');
    scheme = GOHIGHLEVEL_SCHEME_RSA;
  } else {
    return refuse('missing signature');
  }

  const fresh = checkTimestamp(
    raw,
    input.now ?? Date.now(),
    input.maxAgeMs ?? GOHIGHLEVEL_MAX_AGE_MS,
    input.maxFutureSkewMs ?? GOHIGHLEVEL_MAX_FUTURE_SKEW_MS,
  );
  return fresh ?? { ok: true, scheme };
}

/**
 * Workflow webhooks: header `x-journey-secret` must equal the configured GHL_WORKFLOW_SECRET
 * (constant-time). Refused when no secret is configured.
 */
export function verifyGoHighLevelWorkflowSecret(
  headers: GoHighLevelHeaders,
  expectedSecret: string | undefined,
): SignatureCheck {
  if (expectedSecret === undefined || expectedSecret === '') return refuse('workflow secret not configured');
  const given = header(headers, 'x-journey-secret');
  if (given === null) return refuse('ambiguous x-journey-secret');
  if (given === undefined) return refuse('missing x-journey-secret');
  // Equal-length digests make the comparison constant-time whatever the lengths.
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expectedSecret, 'utf8').digest();
  return timingSafeEqual(a, b)
    ? { ok: true, scheme: GOHIGHLEVEL_SCHEME_WORKFLOW_SECRET }
    : refuse('x-journey-secret mismatch');
}

/**
 * Which kind of delivery reached /webhooks/gohighlevel: a workflow webhook carries our
 * `x-journey-secret` header, a marketplace delivery does not.
 */
export function goHighLevelDeliveryKind(headers: GoHighLevelHeaders): 'marketplace' | 'workflow' {
  return headers['x-journey-secret'] !== undefined ? 'workflow' : 'marketplace';
}

/** The trimmed header value; undefined when absent, blank or 'N/A'; null when repeated with different values. */
function header(headers: GoHighLevelHeaders, name: string): string | undefined | null {
  const v = headers[name];
  const values = (Array.isArray(v) ? v : [v])
    .map((s) => (typeof s === 'string' ? s.trim() : ''))
    .filter((s) => s !== '' && s.toUpperCase() !== 'N/A');
  if (values.length === 0) return undefined;
  return values.every((s) => s === values[0]) ? values[0] : null;
}

function decodeSignature(value: string): Buffer | undefined {
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) return undefined;
  const buf = Buffer.from(value, 'base64');
  return buf.length > 0 ? buf : undefined;
}

const keyCache = new Map<string, KeyObject | undefined>();

/** The parsed key when the PEM is a public key of the expected type (cached: keys come from config). */
function publicKey(pem: string, type: 'ed25519' | 'rsa'): KeyObject | undefined {
  const cacheKey = `${type}\n${pem}`;
  if (keyCache.has(cacheKey)) return keyCache.get(cacheKey);
  let key: KeyObject | undefined;
  try {
    const k = createPublicKey(pem);
    key = k.asymmetricKeyType === type ? k : undefined;
  } catch {
    key = undefined;
  }
  if (keyCache.size > 32) keyCache.clear();
  keyCache.set(cacheKey, key);
  return key;
}

/** True when the check passes on the raw bytes or, failing that, on the compact JSON re-serialisation. */
function anyForm(raw: Buffer, check: (data: Buffer) => boolean): boolean {
  if (safe(() => check(raw))) return true;
  const compact = reserialize(raw);
  return compact !== undefined && !compact.equals(raw) && safe(() => check(compact));
}

function safe(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}

function reserialize(raw: Buffer): Buffer | undefined {
  try {
    return Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))), 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Replay window on the body's `timestamp` (ISO-8601; epoch seconds or ms tolerated). A body without
 * one is accepted (HighLevel's per-event examples omit it; duplicates are caught by webhookId); a
 * body that is not JSON is left to the parser, which answers 400.
 */
function checkTimestamp(
  raw: Buffer,
  now: number,
  maxAgeMs: number,
  maxSkewMs: number,
): SignatureCheck | undefined {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const ts = (body as Record<string, unknown>).timestamp;
  if (ts === undefined || ts === null) return undefined;
  let ms: number;
  if (typeof ts === 'number') ms = ts < 1e12 ? ts * 1000 : ts;
  else if (typeof ts === 'string') ms = Date.parse(ts);
  else return refuse('timestamp invalid');
  if (!Number.isFinite(ms)) return refuse('timestamp invalid');
  if (now - ms > maxAgeMs) return refuse('timestamp too old');
  if (ms - now > maxSkewMs) return refuse('timestamp in the future');
  return undefined;
}
