// Produce HighLevel-style signatures with our own private keys: for tests and the webhook:test CLI
// (HighLevel's private keys are, of course, not available). Counterpart of @app/crm's gohighlevel/verify.ts.
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';

function privateKey(pem: string, type: 'ed25519' | 'rsa'): KeyObject {
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== type) throw new TypeError(`expected an ${type} private key`);
  return key;
}

const bytes = (rawBody: Buffer | string): Buffer =>
  typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody;

/** Base64 Ed25519 signature of the exact body bytes: the `X-GHL-Signature` header value. */
export function signGoHighLevelEd25519(rawBody: Buffer | string, privateKeyPem: string): string {
  return sign(null, bytes(rawBody), privateKey(privateKeyPem, 'ed25519')).toString('base64');
}

/** Base64 RSA-SHA256 (PKCS#1 v1.5) signature of the body: the legacy `X-WH-Signature` header value. */
export function signGoHighLevelRsa(rawBody: Buffer | string, privateKeyPem: string): string {
  return sign('sha256', bytes(rawBody), privateKey(privateKeyPem, 'rsa')).toString('base64');
}
