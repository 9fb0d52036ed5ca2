import { createPublicKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { signGoHighLevelEd25519, signGoHighLevelRsa } from '@app/crm-testing';
import {
  GOHIGHLEVEL_SCHEME_ED25519,
  GOHIGHLEVEL_SCHEME_RSA,
  goHighLevelDeliveryKind,
  verifyGoHighLevelRequest,
  verifyGoHighLevelWorkflowSecret,
  type GoHighLevelVerifyInput,
} from './verify';
import { GOHIGHLEVEL_ED25519_PUBLIC_KEY, GOHIGHLEVEL_RSA_PUBLIC_KEY } from './published-keys';

// Published keys, verbatim from shared/reference/crm-webhooks.md §2.3.
const PUBLISHED_ED25519 = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=
-----END PUBLIC KEY-----`;
const PUBLISHED_RSA = `-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC
Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6
dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB
csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv
uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF
3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU
J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp
IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN
h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC
HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ
PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk
T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==
-----END PUBLIC KEY-----`;

const publicKeyEncoding = { type: 'spki', format: 'pem' } as const;
const privateKeyEncoding = { type: 'pkcs8', format: 'pem' } as const;
const edPair = () => generateKeyPairSync('ed25519', { publicKeyEncoding, privateKeyEncoding });
const rsaPair = () =>
  generateKeyPairSync('rsa', { modulusLength: 2048, publicKeyEncoding, privateKeyEncoding });
const [ed, edOther, rsa, rsaOther] = [edPair(), edPair(), rsaPair(), rsaPair()];

const NOW = Date.parse('2025-01-28T14:36:00Z');
// The §2.2 OpportunityStageUpdate example as an OpportunityStatusUpdate, with the §2.2 envelope fields.
const BODY = JSON.stringify({
  type: 'OpportunityStatusUpdate',
  locationId: 've9EPM428h8vShlRW1KT',
  id: 'wWhVuzqpRuOA1ZVWi4FC',
  assignedTo: 'bNl8QNGXhIQJLv8eeASQ',
  contactId: 'cJAWDskpkJHbRbhAT7bs',
  monetaryValue: 40,
  name: 'Loram ipsu',
  pipelineId: 'VDm7RPYC2GLUvdpKmBfC',
  pipelineStageId: 'e93ba61a-53b3-45e7-985a-c7732dbcdb69',
  source: 'Loram ipsu',
  status: 'won',
  dateAdded: '2021-11-26T12:41:02.193Z',
  timestamp: '2025-01-28T14:35:00Z',
  webhookId: 'abc123xyz',
});

function input(
  headers: GoHighLevelVerifyInput['headers'],
  rawBody: Buffer | string = BODY,
): GoHighLevelVerifyInput {
  return { rawBody, headers, ed25519PublicKeyPem: ed.publicKey, rsaPublicKeyPem: rsa.publicKey, now: NOW };
}
const edSig = (body: string = BODY) => signGoHighLevelEd25519(body, ed.privateKey);
const rsaSig = (body: string = BODY) => signGoHighLevelRsa(body, rsa.privateKey);

describe('published HighLevel keys (reference §2.3)', () => {
  it('are the ones shipped as the configuration defaults, verbatim', () => {
    expect(GOHIGHLEVEL_ED25519_PUBLIC_KEY).toBe(PUBLISHED_ED25519);
    expect(GOHIGHLEVEL_RSA_PUBLIC_KEY).toBe(PUBLISHED_RSA);
  });

  it('parse: Ed25519, and RSA-4096 with e=65537', () => {
    expect(createPublicKey(PUBLISHED_ED25519).asymmetricKeyType).toBe('ed25519');
    const k = createPublicKey(PUBLISHED_RSA);
    expect(k.asymmetricKeyType).toBe('rsa');
    expect(k.asymmetricKeyDetails).toMatchObject({ modulusLength: 4096, publicExponent: 65537n });
  });

  it('are usable by the verifier (a forged signature is a mismatch, not a key error)', () => {
    const base = {
      rawBody: BODY,
      ed25519PublicKeyPem: PUBLISHED_ED25519,
      rsaPublicKeyPem: PUBLISHED_RSA,
      now: NOW,
    };
    const forgedEd = randomBytes(64).toString('base64');
    const forgedRsa = randomBytes(512).toString('base64');
    expect(verifyGoHighLevelRequest({ ...base, headers: { 'x-ghl-signature': forgedEd } })).toEqual({
      ok: false,
      reason: 'x-ghl-signature mismatch',
    });
    expect(verifyGoHighLevelRequest({ ...base, headers: { 'x-wh-signature': forgedRsa } })).toEqual({
      ok: false,
      reason: 'x-wh-signature mismatch',
    });
  });
});

describe('verifyGoHighLevelRequest', () => {
  it('accepts an Ed25519 x-ghl-signature over the raw body (string or Buffer)', () => {
    expect(verifyGoHighLevelRequest(input({ 'x-ghl-signature': edSig() }))).toEqual({
      ok: true,
      scheme: GOHIGHLEVEL_SCHEME_ED25519,
    });
    expect(verifyGoHighLevelRequest(input({ 'x-ghl-signature': edSig() }, Buffer.from(BODY)))).toMatchObject({
      ok: true,
    });
  });

  it('accepts the legacy RSA-SHA256 x-wh-signature when x-ghl-signature is absent', () => {
    expect(verifyGoHighLevelRequest(input({ 'x-wh-signature': rsaSig() }))).toEqual({
      ok: true,
      scheme: GOHIGHLEVEL_SCHEME_RSA,
    });
  });

  it('prefers x-ghl-signature and never falls back to x-wh-signature', () => {
    expect(
      verifyGoHighLevelRequest(input({ 'x-ghl-signature': edSig(), 'x-wh-signature': 'bm9wZQ==' })),
    ).toMatchObject({
      ok: true,
      scheme: GOHIGHLEVEL_SCHEME_ED25519,
    });
    const bad = verifyGoHighLevelRequest(
      input({ 'x-ghl-signature': edSig('{}'), 'x-wh-signature': rsaSig() }),
    );
    expect(bad).toEqual({ ok: false, reason: 'x-ghl-signature mismatch' });
  });

  it("treats 'N/A' as no signature", () => {
    expect(
      verifyGoHighLevelRequest(input({ 'x-ghl-signature': 'N/A', 'x-wh-signature': rsaSig() })),
    ).toMatchObject({
      ok: true,
      scheme: GOHIGHLEVEL_SCHEME_RSA,
    });
    expect(verifyGoHighLevelRequest(input({ 'x-ghl-signature': 'N/A' }))).toEqual({
      ok: false,
      reason: 'missing signature',
    });
  });

  it('refuses when no signature header is present', () => {
    expect(verifyGoHighLevelRequest(input({}))).toEqual({ ok: false, reason: 'missing signature' });
    expect(verifyGoHighLevelRequest(input({ 'x-ghl-signature': '  ' }))).toEqual({
      ok: false,
      reason: 'missing signature',
    });
  });

  it('refuses a tampered body', () => {
    const tampered = BODY.replace('"monetaryValue":40', '"monetaryValue":4000');
    expect(verifyGoHighLevelRequest(input({ 'x-ghl-signature': edSig() }, tampered))).toEqual({
      ok: false,
      reason: 'x-ghl-signature mismatch',
    });
    expect(verifyGoHighLevelRequest(input({ 'x-wh-signature': rsaSig() }, tampered))).toEqual({
      ok: false,
      reason: 'x-wh-signature mismatch',
    });
  });

  it('refuses a signature made with another key', () => {
    const otherEd = signGoHighLevelEd25519(BODY, edOther.privateKey);
    const otherRsa = signGoHighLevelRsa(BODY, rsaOther.privateKey);
    expect(verifyGoHighLevelRequest(input({ 'x-ghl-signature': otherEd }))).toMatchObject({ ok: false });
    expect(verifyGoHighLevelRequest(input({ 'x-wh-signature': otherRsa }))).toMatchObject({ ok: false });
  });

  it('refuses malformed signatures and unusable or wrong-type keys', () => {
    expect(verifyGoHighLevelRequest(input({ 'x-ghl-signature': 'not base64!' }))).toEqual({
      ok: false,
      reason: 'malformed x-ghl-signature',
    });
    expect(verifyGoHighLevelRequest(input({ 'x-ghl-signature': 'AAAA' }))).toEqual({
      ok: false,
      reason: 'malformed x-ghl-signature',
    });
    expect(
      verifyGoHighLevelRequest({ ...input({ 'x-ghl-signature': edSig() }), ed25519PublicKeyPem: 'garbage' }),
    ).toEqual({
      ok: false,
      reason: 'ed25519 public key unusable',
    });
    expect(
      verifyGoHighLevelRequest({ ...input({ 'x-wh-signature': rsaSig() }), rsaPublicKeyPem: ed.publicKey }),
    ).toEqual({
      ok: false,
      reason: 'rsa public key unusable',
    });
  });

  it('refuses repeated signature headers with different values', () => {
    expect(verifyGoHighLevelRequest(input({ 'x-ghl-signature': [edSig(), edSig('{}')] }))).toEqual({
      ok: false,
      reason: 'ambiguous signature header',
    });
    expect(verifyGoHighLevelRequest(input({ 'x-ghl-signature': [edSig(), edSig()] }))).toMatchObject({
      ok: true,
    });
  });

  it('accepts a body whose compact JSON re-serialisation is what was signed', () => {
    const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
    expect(verifyGoHighLevelRequest(input({ 'x-ghl-signature': edSig() }, pretty))).toMatchObject({
      ok: true,
    });
    expect(verifyGoHighLevelRequest(input({ 'x-wh-signature': rsaSig() }, pretty))).toMatchObject({
      ok: true,
    });
  });

  describe('replay window on the body timestamp', () => {
    const at = (timestamp: unknown) => JSON.stringify({ ...JSON.parse(BODY), timestamp });
    const check = (body: string) => verifyGoHighLevelRequest(input({ 'x-ghl-signature': edSig(body) }, body));

    it('accepts up to 5 minutes old and up to 1 minute ahead', () => {
      expect(check(at(new Date(NOW - 5 * 60_000).toISOString()))).toMatchObject({ ok: true });
      expect(check(at(new Date(NOW + 60_000).toISOString()))).toMatchObject({ ok: true });
    });

    it('refuses a stale timestamp even with a valid signature', () => {
      expect(check(at(new Date(NOW - 5 * 60_000 - 1).toISOString()))).toEqual({
        ok: false,
        reason: 'timestamp too old',
      });
      const rsaStale = at('2025-01-28T14:00:00Z');
      expect(verifyGoHighLevelRequest(input({ 'x-wh-signature': rsaSig(rsaStale) }, rsaStale))).toEqual({
        ok: false,
        reason: 'timestamp too old',
      });
    });

    it('refuses a timestamp too far in the future, and an invalid one', () => {
      expect(check(at(new Date(NOW + 60_001).toISOString()))).toEqual({
        ok: false,
        reason: 'timestamp in the future',
      });
      expect(check(at('yesterday'))).toEqual({ ok: false, reason: 'timestamp invalid' });
      expect(check(at({ at: 1 }))).toEqual({ ok: false, reason: 'timestamp invalid' });
    });

    it('honours a custom window and epoch numbers', () => {
      const old = at(new Date(NOW - 30 * 60_000).toISOString());
      expect(
        verifyGoHighLevelRequest({ ...input({ 'x-ghl-signature': edSig(old) }, old), maxAgeMs: 75 * 60_000 }),
      ).toMatchObject({ ok: true });
      expect(check(at(Math.floor(NOW / 1000)))).toMatchObject({ ok: true });
      expect(check(at(NOW - 10 * 60_000))).toEqual({ ok: false, reason: 'timestamp too old' });
    });

    it('accepts a signed body without timestamp (per-event examples omit it)', () => {
      const body = at(undefined);
      expect(body).not.toContain('timestamp');
      expect(check(body)).toMatchObject({ ok: true });
    });
  });
});

describe('signGoHighLevel*', () => {
  it('refuses a private key of the wrong type', () => {
    expect(() => signGoHighLevelEd25519(BODY, rsa.privateKey)).toThrow(TypeError);
    expect(() => signGoHighLevelRsa(BODY, ed.privateKey)).toThrow(TypeError);
  });
});

describe('verifyGoHighLevelWorkflowSecret', () => {
  const SECRET = 's3cr3t-0123456789abcdef';
  it('accepts the configured secret', () => {
    expect(verifyGoHighLevelWorkflowSecret({ 'x-journey-secret': SECRET }, SECRET)).toEqual({
      ok: true,
      scheme: 'ghl-workflow-secret',
    });
  });
  it('refuses a wrong, shorter, longer or missing secret', () => {
    expect(verifyGoHighLevelWorkflowSecret({ 'x-journey-secret': 'nope' }, SECRET)).toEqual({
      ok: false,
      reason: 'x-journey-secret mismatch',
    });
    expect(verifyGoHighLevelWorkflowSecret({ 'x-journey-secret': `${SECRET}x` }, SECRET)).toMatchObject({
      ok: false,
    });
    expect(verifyGoHighLevelWorkflowSecret({ 'x-journey-secret': SECRET.slice(1) }, SECRET)).toMatchObject({
      ok: false,
    });
    expect(verifyGoHighLevelWorkflowSecret({}, SECRET)).toEqual({
      ok: false,
      reason: 'missing x-journey-secret',
    });
  });
  it('refuses everything when no secret is configured', () => {
    expect(verifyGoHighLevelWorkflowSecret({ 'x-journey-secret': '' }, '')).toEqual({
      ok: false,
      reason: 'workflow secret not configured',
    });
    expect(verifyGoHighLevelWorkflowSecret({ 'x-journey-secret': 'x' }, undefined)).toEqual({
      ok: false,
      reason: 'workflow secret not configured',
    });
  });
  it('tells workflow deliveries from marketplace ones', () => {
    expect(goHighLevelDeliveryKind({ 'x-journey-secret': SECRET })).toBe('workflow');
    expect(goHighLevelDeliveryKind({ 'x-ghl-signature': 'abc' })).toBe('marketplace');
  });
});
