// Signs a request the way HubSpot does, with a client secret we hold: for tests, the benchmark and
// `npm run webhook:test -- hubspot`. The algorithms themselves are the verifier's (@app/crm).
import { hubspotV3Signature, type HubspotSignatureInput } from '@app/crm/hubspot/signature';

/** Headers (lower-case names) of a v3-signed request (a type alias, so it fits any header record). */
export type HubspotV3Headers = {
  'x-hubspot-signature-v3': string;
  'x-hubspot-request-timestamp': string;
};

/**
 * Signs a request the way HubSpot does (v3), e.g. to send a test delivery to our own endpoint.
 * `method` defaults to POST, `timestamp` (epoch ms) to now.
 */
export function signHubspotV3(
  input: Omit<HubspotSignatureInput, 'method'> & { method?: string; timestamp?: number | string },
): HubspotV3Headers {
  const timestamp = String(input.timestamp ?? Date.now());
  const signature = hubspotV3Signature({ ...input, method: input.method ?? 'POST', timestamp });
  return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp };
}
