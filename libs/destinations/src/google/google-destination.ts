/**
 * Google Ads offline click conversions through the Data Manager API, behind the common Destination shape.
 * Built from `config.destinations.google` (the shape is repeated here so this lib needs no config import).
 */
import { createHash } from 'node:crypto';
import type { Conversion } from '../conversion';
import type { BuildDecision, Destination, DestinationExchange, SendOptions } from '../destination';
import { buildGoogleEvent, type GooglePayload, validateGoogleEvent, GOOGLE_WINDOW_MS } from './build-event';
import { buildIngestRequest, GOOGLE_MAX_EVENTS, sendGoogleEvents } from './client';
import { DataManagerHttp } from './http';
import { GoogleAccessTokens } from './oauth-token';
import { type RequestStatusAnswer, retrieveRequestStatus } from './request-status';

/** `config.destinations.google`. */
export interface GoogleDestinationConfig {
  oauth: { clientId?: string; clientSecret?: string; refreshToken?: string; tokenUrl: string };
  dataManagerUrl: string;
  customerId?: string;
  loginCustomerId?: string;
  /** Event name → conversion action id. */
  conversionActions: Record<string, string>;
  validateOnly: boolean;
}

export interface GoogleDestinationOptions {
  /** `config.destinations.dryRun`: record the request that would be sent, send nothing. */
  dryRun?: boolean;
  /** Per HTTP exchange (token endpoint and API), default 10 s. */
  timeoutMs?: number;
}

export class GoogleDestination implements Destination<GooglePayload> {
  readonly platform = 'google' as const;
  readonly displayName = 'Google Ads';
  readonly accountId: string;
  readonly maxBatch = GOOGLE_MAX_EVENTS;
  readonly credentialFingerprint: string;
  readonly sendWindowMs = GOOGLE_WINDOW_MS;
  private readonly http: DataManagerHttp;
  private readonly dryRun: boolean;

  constructor(
    private readonly config: GoogleDestinationConfig,
    options: GoogleDestinationOptions = {},
  ) {
    const { clientId, clientSecret, refreshToken, tokenUrl } = config.oauth;
    if (!clientId || !clientSecret || !refreshToken || !config.customerId) {
      throw new Error(
        'Google destination needs the OAuth client id, secret, refresh token and the customer id',
      );
    }
    this.accountId = config.customerId;
    // A pause made under one client/refresh token is lifted when either changes (e.g. after re-consent).
    this.credentialFingerprint = createHash('sha256').update(`${clientId}\n${refreshToken}`).digest('hex');
    const tokens = new GoogleAccessTokens(
      { clientId, clientSecret, refreshToken, tokenUrl },
      { timeoutMs: options.timeoutMs },
    );
    this.http = new DataManagerHttp(tokens, options.timeoutMs);
    this.dryRun = options.dryRun ?? false;
  }

  build(conversion: Conversion, now: Date): BuildDecision<GooglePayload> {
    return buildGoogleEvent(conversion, { conversionActions: this.config.conversionActions }, now);
  }

  validate(payload: GooglePayload, now: Date): string | undefined {
    return validateGoogleEvent(payload, now);
  }

  /** Data Manager has no test-event code: test mode is GOOGLE_VALIDATE_ONLY, so `options` is not used. */
  async send(payloads: GooglePayload[], _options: SendOptions = {}): Promise<DestinationExchange> {
    if (this.dryRun) {
      return {
        requestBody: buildIngestRequest(payloads, this.ingestSettings()),
        status: 0,
        responseBody: { dryRun: true },
        durationMs: 0,
        outcome: { kind: 'accepted' },
      };
    }
    return sendGoogleEvents(this.http, this.config.dataManagerUrl, payloads, this.ingestSettings());
  }

  /**
   * What Google did with an accepted request (`outcome.requestId`): SUCCESS, PROCESSING (ask again later),
   * FAILED or PARTIAL_SUCCESS with error counts per reason. Validate-only requests have no status.
   */
  retrieveRequestStatus(requestId: string): Promise<RequestStatusAnswer> {
    return retrieveRequestStatus(this.http, this.config.dataManagerUrl, requestId);
  }

  private ingestSettings() {
    return {
      customerId: this.accountId,
      loginCustomerId: this.config.loginCustomerId,
      validateOnly: this.config.validateOnly,
    };
  }
}
