// Shared pieces of the property-based (fast-check) fuzz suites: one request at a time, a consistent snapshot of
// every journey/webhook/CAPI table around it, and generators of hostile bodies, headers and path segments.
import fc from 'fast-check';
import { Client } from 'pg';
import { BODY_LIMIT_BYTES, sendOversized } from '../support/oversized-request';

/** Fixed seed and runs: a failure is reproducible. FUZZ_SEED / FUZZ_RUNS explore locally; CI uses the defaults. */
export const SEED = Number(process.env.FUZZ_SEED ?? 20260611);
export const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

export const TABLES = [
  'visitors',
  'touchpoints',
  'identities',
  'visitor_identities',
  'crm_links',
  'form_submissions',
  'webhook_deliveries',
  'lifecycle_events',
  'dispatches',
] as const;

/** One statement, so the snapshot is consistent across tables. */
export async function counts(sql: Client): Promise<Record<string, number>> {
  const { rows } = await sql.query(
    `SELECT ${TABLES.map((table) => `(SELECT count(*) FROM ${table})::int AS ${table}`).join(', ')}`,
  );
  return rows[0] as Record<string, number>;
}

export interface FuzzReq {
  method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'HEAD';
  path: string;
  /** Sent as they are (fetch adds content-type text/plain for a string body: use `bytes` for "none"). */
  headers: Record<string, string>;
  body?: string;
  /** Send the body as bytes, so fetch adds no content-type of its own. */
  bytes?: boolean;
}

export interface FuzzRes {
  status: number;
  text: string;
}

export async function send(base: string, req: FuzzReq): Promise<FuzzRes> {
  const body =
    req.body === undefined || req.method === 'GET' || req.method === 'HEAD'
      ? undefined
      : req.bytes
        ? Buffer.from(req.body, 'utf8')
        : req.body;
  // An over-limit body is announced, not sent: the api refuses on Content-Length (see sendOversized).
  const size = body === undefined ? 0 : Buffer.byteLength(body);
  if (size > BODY_LIMIT_BYTES && req.method === 'POST')
    return sendOversized(base, req.path, req.headers, size);
  const response = await fetch(`${base}${req.path}`, { method: req.method, headers: req.headers, body });
  return { status: response.status, text: await response.text() };
}

const short = (value: string, max = 300) =>
  value.length > max ? `${value.slice(0, max)}… (${value.length} chars)` : value;

export const describeReq = (req: FuzzReq) =>
  JSON.stringify({ ...req, body: req.body === undefined ? undefined : short(req.body, 600) });

/**
 * The property every suite checks: never a 5xx; a refused (4xx) request leaves every table unchanged.
 * A 2xx may write (the generator sometimes produces a valid request).
 */
export async function checkRequest(base: string, sql: Client, req: FuzzReq): Promise<FuzzRes> {
  const before = await counts(sql);
  const res = await send(base, req);
  if (res.status >= 500)
    throw new Error(`5xx: ${res.status} ${short(res.text)}\nrequest: ${describeReq(req)}`);
  if (res.status >= 400) {
    const after = await counts(sql);
    const changed = TABLES.filter((table) => after[table] !== before[table]);
    if (changed.length > 0)
      throw new Error(
        `partial write on ${res.status}: ${changed.map((t) => `${t} ${before[t]}→${after[t]}`).join(', ')}\n` +
          `response: ${short(res.text)}\nrequest: ${describeReq(req)}`,
      );
  }
  return res;
}

/** fc.assert with the fixed seed and bounded runs; end-of-run stats go to the caller. */
export async function assertProperty<T>(
  arb: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
  numRuns = RUNS,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(arb, async (value) => {
      await predicate(value);
    }),
    { seed: SEED, numRuns, endOnFailure: false, interruptAfterTimeLimit: 100_000 },
  );
}

// ---------------------------------------------------------------------------------------------------------
// Generators

/** Printable ASCII (what fetch can send in a header: no CR, LF or NUL, nothing above 0xFF). */
export const headerValue = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.constantFrom('', ' ', 'null', 'undefined', '0', 'Bearer', 'Bearer ', 'Basic', 'x'.repeat(8000)),
);

export const CONTENT_TYPES: (string | null)[] = [
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'application/vnd.api+json',
  'text/plain',
  'text/plain;charset=UTF-8',
  'application/xml',
  'text/xml',
  'text/xml; charset=utf-8',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'text/html',
  'application/x-garbage',
  ';;;',
  '',
  null,
];
export const contentType = fc.constantFrom(...CONTENT_TYPES);

/** Applies a generated content type to a header set (null: none at all, body sent as bytes). */
export function withContentType(
  headers: Record<string, string>,
  ct: string | null,
): { headers: Record<string, string>; bytes: boolean } {
  if (ct === null) return { headers, bytes: true };
  return { headers: { ...headers, 'content-type': ct }, bytes: false };
}

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u0000\u0000\u0000',
  '\uFEFF',
  '\u202Eevil',
  '\uD800',
  'a\uDFFFb',
  '😀'.repeat(50),
  'e\u0301',
  '__proto__',
  'constructor',
  'prototype',
  '../../etc/passwd',
  '%00',
  '%2e%2e%2f',
  "'; DROP TABLE visitors; --",
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  'javascript:alert(1)',
  'https://www.shop.test/\u0000',
  'https://www.shop.test/' + 'a'.repeat(9000),
  'NaN',
  'Infinity',
  '-1',
  '1e309',
  '2026-02-30T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '0000-01-01T00:00:00Z',
  '1970-01-01T00:00:00Z',
  '-271821-04-20T00:00:00Z',
  'fe80::1%eth0',
  '::ffff:999.1.1.1',
  'fb.1.9999999999999.abc',
  'fb.1.0000000000000.abc',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '\\',
  '"',
  '\r\n',
];

export const hugeString = fc
  .constantFrom(1_000, 10_000, 70_000, 300_000)
  .chain((n) => fc.constantFrom('x', '😀', '\u0000', 'é').map((c) => c.repeat(n)));

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
  { arbitrary: hugeString, weight: 1 },
);

export const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1e308, -1e308, 2 ** 53 + 1, -(2 ** 63), 9_999_999_999_999, 1.5),
);

export const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', '', ' ', 'a.b', '\u0000', '$where'];

/** Builds an object with own properties only (so `__proto__` is a real key, as JSON.parse would make it). */
export function ownObject(entries: [string, unknown][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries)
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.jsonValue({ maxDepth: 2, depthSize: 'small' }),
    fc.array(tie('value'), { maxLength: 4 }),
    fc
      .array(
        fc.tuple(fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ maxLength: 10 })), tie('value')),
        {
          maxLength: 4,
        },
      )
      .map(ownObject),
  ),
})).value;

/** An array nested `depth` deep, or an object nested `depth` deep. */
export const deepNesting = fc
  .tuple(fc.integer({ min: 20, max: 3000 }), fc.boolean())
  .map(([depth, asArray]) =>
    asArray ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth),
  );

/**
 * Objects with the real field names (and some hostile ones), each set to a hostile value; `base` (a valid
 * request) is sometimes the starting point, so one bad field sits among good ones (the all-or-nothing case).
 */
export function fieldObject(
  fields: string[],
  base: Record<string, unknown>,
  nested: Record<string, string[]> = {},
): fc.Arbitrary<Record<string, unknown>> {
  const value = (field: string): fc.Arbitrary<unknown> =>
    Object.hasOwn(nested, field) ? fc.oneof(fieldObject(nested[field], {}), hostileValue) : hostileValue;
  const entry = fc
    .oneof(
      { arbitrary: fc.constantFrom(...fields), weight: 6 },
      { arbitrary: fc.constantFrom(...HOSTILE_KEYS), weight: 1 },
    )
    .chain((key) => value(key).map((v) => [key, v] as [string, unknown]));
  return fc
    .tuple(fc.boolean(), fc.array(entry, { minLength: 1, maxLength: 5 }))
    .map(([fromBase, entries]) => ownObject([...(fromBase ? Object.entries(base) : []), ...entries]));
}

/** A body as text: JSON of a value, a raw hostile text, form-encoding, XML, or deep nesting. */
export function bodyText(objects: fc.Arbitrary<unknown>): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: objects.map((value) => JSON.stringify(value) ?? 'undefined'), weight: 8 },
    { arbitrary: fc.jsonValue({ maxDepth: 4, depthSize: 'small' }).map((v) => JSON.stringify(v)), weight: 3 },
    { arbitrary: hostileString, weight: 2 },
    { arbitrary: deepNesting, weight: 1 },
    {
      arbitrary: objects.map((value) => {
        const json = JSON.stringify(value) ?? '';
        return json.slice(0, Math.max(0, json.length - 1 - (json.length % 7)));
      }),
      weight: 1,
    },
    {
      arbitrary: fc
        .array(fc.tuple(fc.string({ maxLength: 10 }), hostileString), { maxLength: 4 })
        .map((pairs) =>
          new URLSearchParams(pairs.map(([k, v]): [string, string] => [k, v.slice(0, 500)])).toString(),
        ),
      weight: 1,
    },
    { arbitrary: hostileString.map((v) => `<?xml version="1.0"?><root><url>${v}</url></root>`), weight: 1 },
    { arbitrary: fc.constant(''), weight: 1 },
  );
}

/** A path segment, URL-encoded (so it reaches the route), or raw hostile encodings. */
export const pathSegment = fc.oneof(
  { arbitrary: hostileString.filter((s) => s.length < 5000).map((s) => safeEncode(s)), weight: 5 },
  {
    arbitrary: fc.constantFrom(
      '%00',
      '%ZZ',
      '%',
      '%E0%A4%A',
      '%C0%AF',
      '%ED%A0%80',
      '..',
      '%2e%2e',
      '%2F',
      '%252F',
      'a%20b',
      '.',
      '~',
      "'",
      'visitor-1',
      'a'.repeat(129),
      'a'.repeat(128),
    ),
    weight: 2,
  },
);

/** encodeURIComponent, tolerant of lone surrogates (encoded as their UTF-8-ish replacement). */
export function safeEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\uD800-\uDFFF]/g, '\uFFFD'));
  }
}

/** Query strings with the given parameter names (and hostile ones) set to hostile values, raw or encoded. */
export function queryString(names: string[]): fc.Arbitrary<string> {
  const param = fc.tuple(
    fc.oneof(
      { arbitrary: fc.constantFrom(...names), weight: 5 },
      { arbitrary: fc.constantFrom(...HOSTILE_KEYS, 'a[b]', 'limit[]'), weight: 1 },
    ),
    fc.oneof(
      hostileString.filter((s) => s.length < 5000).map(safeEncode),
      fc.constantFrom('%00', '%ZZ', '', '1', '0', '200', '201', '-1', '1.5', '1e3', 'abc', '%E0%A4%A'),
    ),
  );
  return fc
    .array(param, { maxLength: 5 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${safeEncode(k)}=${v}`).join('&')}` : ''));
}
