/**
 * Sends one batch to `POST {dataManagerUrl}/v1/events:ingest` (destinations.md §1). A conversion action is
 * a Data Manager "destination", so a batch holding events for several actions is ONE request: a
 * `destinations[]` entry per distinct action, each with a `reference`, and every event names its action
 * in `destinationReferences`. The returned exchange is what the dispatch record stores: the request body
 * (the token is a header and never part of it), the answer, the status, the outcome and the duration.
 */
import type { DestinationExchange } from '../destination';
import type { GoogleEvent, GooglePayload } from './build-event';
import { classifyDataManagerResponse } from './errors';
import type { DataManagerHttp } from './http';

/** Data Manager's per-request maximum (the TOO_MANY_EVENTS text and a Node sample say 10,000; docs say 2,000). */
export const GOOGLE_MAX_EVENTS = 2000;
/** Data Manager takes at most 10 destinations (conversion actions) per request. */
export const GOOGLE_MAX_DESTINATIONS = 10;

export interface IngestSettings {
  /** Operating account: the Google Ads customer id that owns the actions (10 digits). */
  customerId: string;
  /** The manager account the credentials belong to, when they act through one. */
  loginCustomerId?: string;
  /** Google validates the request and processes nothing (test mode). */
  validateOnly: boolean;
}

interface ProductAccount {
  accountType: 'GOOGLE_ADS';
  accountId: string;
}

export interface IngestDestination {
  operatingAccount: ProductAccount;
  loginAccount?: ProductAccount;
  productDestinationId: string;
  reference: string;
}

export interface IngestEventsRequest {
  destinations: IngestDestination[];
  encoding: 'HEX';
  events: (GoogleEvent & { destinationReferences: string[] })[];
  validateOnly?: boolean;
}

/** The reference of an action's destination: unique within the request, readable in the audit log. */
export const destinationReference = (conversionActionId: string) => `action-${conversionActionId}`;

/** The request body for a batch (pure). */
export function buildIngestRequest(payloads: GooglePayload[], settings: IngestSettings): IngestEventsRequest {
  if (payloads.length === 0 || payloads.length > GOOGLE_MAX_EVENTS) {
    throw new RangeError(
      `a Data Manager request carries 1..${GOOGLE_MAX_EVENTS} events, got ${payloads.length}`,
    );
  }
  const actions = [...new Set(payloads.map((payload) => payload.conversionActionId))];
  if (actions.length > GOOGLE_MAX_DESTINATIONS) {
    throw new RangeError(
      `a Data Manager request names at most ${GOOGLE_MAX_DESTINATIONS} conversion actions`,
    );
  }
  const account = (accountId: string): ProductAccount => ({ accountType: 'GOOGLE_ADS', accountId });
  const destinations = actions.map((actionId) => ({
    operatingAccount: account(settings.customerId),
    ...(settings.loginCustomerId ? { loginAccount: account(settings.loginCustomerId) } : {}),
    productDestinationId: actionId,
    reference: destinationReference(actionId),
  }));
  const request: IngestEventsRequest = {
    destinations,
    // Hashes are hex; Google requires the encoding whenever userData is present and ignores it otherwise.
    encoding: 'HEX',
    events: payloads.map((payload) => ({
      ...payload.event,
      destinationReferences: [destinationReference(payload.conversionActionId)],
    })),
  };
  if (settings.validateOnly) request.validateOnly = true;
  return request;
}

export async function sendGoogleEvents(
  http: DataManagerHttp,
  dataManagerUrl: string,
  payloads: GooglePayload[],
  settings: IngestSettings,
): Promise<DestinationExchange> {
  const requestBody = buildIngestRequest(payloads, settings);
  const answer = await http.call({
    method: 'POST',
    url: `${dataManagerUrl.replace(/\/+$/, '')}/v1/events:ingest`,
    body: requestBody,
  });
  if (answer.kind === 'failure') {
    return {
      requestBody,
      status: 0,
      responseBody: answer.body,
      durationMs: answer.durationMs,
      outcome: answer.outcome,
    };
  }
  return {
    requestBody,
    status: answer.status,
    responseBody: answer.body,
    durationMs: answer.durationMs,
    outcome: classifyDataManagerResponse(answer.status, answer.body, answer.headers),
  };
}
