// Google's answers for the local Data Manager fake (google-data-manager.ts): the error envelope, the scripted
// failures and the fast-fail checks of an ingest body (destinations.md §1).
export type GoogleFailureKind =
  | 'invalidArgument'
  | 'termsNotSigned'
  | 'unauthenticated'
  | 'permissionDenied'
  | 'resourceExhausted'
  | 'internal'
  | 'unavailable'
  /** Token endpoint only. */
  | 'invalidGrant'
  | 'tokenServerError';

export const TOKEN_FAILURES: readonly GoogleFailureKind[] = ['invalidGrant', 'tokenServerError'];

/** Only what the fake checks; the rest of the options live with the fake. */
export interface FakeGoogleOptions {
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  /** expires_in of issued access tokens, seconds. */
  accessTokenTtlS?: number;
  /** When set, another operating account id is answered 403 PERMISSION_DENIED. */
  customerId?: string;
  /** When set, another conversion action id is answered 400 INVALID_CONVERSION_ACTION_ID. */
  conversionActionIds?: string[];
}

/** A destination or event of the ingest body, read loosely (the fake checks the shapes itself). */
interface IngestPart {
  operatingAccount?: { accountId?: unknown };
  productDestinationId?: unknown;
  reference?: unknown;
  eventTimestamp?: unknown;
  destinationReferences?: unknown[];
  userData?: { userIdentifiers?: Record<string, unknown>[] };
  adIdentifiers?: unknown;
}

export interface GoogleError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const HEX64 = /^[0-9a-f]{64}$/;
const MAX_EVENTS = 2000;

/** Google's error envelope: `{error:{code,status,message,details:[ErrorInfo, BadRequest?]}}`. */
export function googleError(
  code: number,
  status: string,
  message: string,
  reason?: string,
  fieldViolations?: { field: string; description: string }[],
): { error: Record<string, unknown> } {
  const details: unknown[] = [];
  if (reason) {
    details.push({
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason,
      domain: 'datamanager.googleapis.com',
    });
  }
  if (fieldViolations)
    details.push({ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations });
  return { error: { code, message, status, details } };
}

export function scripted(kind: GoogleFailureKind): GoogleError {
  switch (kind) {
    case 'invalidArgument':
      return {
        status: 400,
        body: googleError(
          400,
          'INVALID_ARGUMENT',
          'Request contains an invalid argument.',
          'INVALID_FORMAT',
          [{ field: 'events[0].event_timestamp', description: 'Invalid timestamp.' }],
        ),
      };
    case 'termsNotSigned':
      return {
        status: 400,
        body: googleError(
          400,
          'INVALID_ARGUMENT',
          'Customer data terms not accepted.',
          'TERMS_AND_CONDITIONS_NOT_SIGNED',
        ),
      };
    case 'unauthenticated':
      return {
        status: 401,
        body: googleError(
          401,
          'UNAUTHENTICATED',
          'Request had invalid authentication credentials. Expected OAuth 2 access token.',
          'ACCESS_TOKEN_EXPIRED',
        ),
        headers: { 'WWW-Authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
      };
    case 'permissionDenied':
      return {
        status: 403,
        body: googleError(403, 'PERMISSION_DENIED', 'The caller does not have permission'),
      };
    case 'resourceExhausted':
      return {
        status: 429,
        body: googleError(
          429,
          'RESOURCE_EXHAUSTED',
          "Quota exceeded for quota metric 'Requests'.",
          'RATE_LIMIT_EXCEEDED',
        ),
        headers: { 'Retry-After': '30' },
      };
    case 'internal':
      return { status: 500, body: googleError(500, 'INTERNAL', 'Internal error encountered.') };
    case 'unavailable':
      return { status: 503, body: googleError(503, 'UNAVAILABLE', 'The service is currently unavailable.') };
    case 'invalidGrant':
      return {
        status: 400,
        body: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' },
      };
    case 'tokenServerError':
      return { status: 500, body: { error: 'internal_failure', error_description: 'Backend Error' } };
  }
}

/** The fast-fail checks Google documents: one bad record fails the whole request. */
export function checkIngestBody(
  body: Record<string, unknown>,
  options: Pick<FakeGoogleOptions, 'customerId' | 'conversionActionIds'>,
): GoogleError | undefined {
  const invalid = (message: string, reason: string, field?: string) => ({
    status: 400,
    body: googleError(
      400,
      'INVALID_ARGUMENT',
      message,
      reason,
      field ? [{ field, description: message }] : undefined,
    ),
  });
  const destinations = Array.isArray(body.destinations) ? (body.destinations as IngestPart[]) : [];
  const events = Array.isArray(body.events) ? (body.events as IngestPart[]) : [];
  if (!destinations.length || destinations.length > 10)
    return invalid('1 to 10 destinations', 'INVALID_FORMAT', 'destinations');
  if (!events.length || events.length > MAX_EVENTS)
    return invalid('Too many events.', 'TOO_MANY_EVENTS', 'events');
  for (const destination of destinations) {
    const accountId = destination.operatingAccount?.accountId;
    if (options.customerId && accountId !== options.customerId) return scripted('permissionDenied');
    const actionId = String(destination.productDestinationId ?? '');
    if (options.conversionActionIds && !options.conversionActionIds.includes(actionId)) {
      return invalid(
        'Invalid conversion action id.',
        'INVALID_CONVERSION_ACTION_ID',
        'destinations.product_destination_id',
      );
    }
  }
  const references = new Set(destinations.map((d) => d.reference));
  for (const [i, event] of events.entries()) {
    if (typeof event.eventTimestamp !== 'string' || Number.isNaN(Date.parse(event.eventTimestamp))) {
      return invalid('Invalid timestamp.', 'INVALID_FORMAT', `events[${i}].event_timestamp`);
    }
    for (const reference of (event.destinationReferences ?? []) as unknown[]) {
      if (!references.has(reference))
        return invalid('Unknown reference.', 'INVALID_FORMAT', `events[${i}].destination_references`);
    }
    const identifiers = (event.userData?.userIdentifiers ?? []) as Record<string, unknown>[];
    if (identifiers.length && body.encoding !== 'HEX' && body.encoding !== 'BASE64') {
      return invalid('Encoding is required for user data.', 'INVALID_FORMAT', 'encoding');
    }
    for (const [j, identifier] of identifiers.entries()) {
      const value = Object.values(identifier)[0];
      if (typeof value !== 'string' || !HEX64.test(value)) {
        return invalid(
          'Invalid SHA256 format.',
          'INVALID_SHA256_FORMAT',
          `events[${i}].user_data.user_identifiers[${j}]`,
        );
      }
    }
    if (!identifiers.length && !event.adIdentifiers) {
      return invalid('No identifiers provided.', 'NO_IDENTIFIERS_PROVIDED', `events[${i}]`);
    }
  }
  return undefined;
}
