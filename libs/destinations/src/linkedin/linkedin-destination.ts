/**
 * LinkedIn as a destination (destinations.md §3), built from `config.destinations.linkedin`. A 401 is
 * answered by one token refresh and one retry when refresh settings exist (MDP partners); otherwise, or if
 * that fails too, the destination pauses until its credentials change.
 */
import { sha256Hex } from '@app/journey';
import type { Conversion } from '../conversion';
import type { BuildDecision, Destination, DestinationExchange, SendOptions } from '../destination';
import {
  buildLinkedInEvent,
  validateLinkedInEvent,
  type LinkedInEvent,
  LINKEDIN_WINDOW_MS,
} from './build-event';
import { LINKEDIN_MAX_BATCH, postLinkedInEvents } from './client';
import { canRefresh, refreshLinkedInToken, type LinkedInOAuthSettings } from './token';

/** The shape of `config.destinations.linkedin` (structural: this folder does not depend on libs/config). */
export interface LinkedInSettings {
  accessToken?: string;
  oauth?: LinkedInOAuthSettings;
  /** Event name → conversion rule id. */
  conversionRules: Record<string, string>;
  apiUrl: string;
  apiVersion: string;
}

export class LinkedInDestination implements Destination<LinkedInEvent> {
  readonly platform = 'linkedin' as const;
  readonly displayName = 'LinkedIn';
  readonly maxBatch = LINKEDIN_MAX_BATCH;
  readonly accountId: string;
  readonly credentialFingerprint: string;
  readonly sendWindowMs = LINKEDIN_WINDOW_MS;
  /** The configured token, then the last refreshed one (kept in memory only). */
  private accessToken: string;
  private refreshing?: Promise<string | { error: string }>;

  constructor(
    private readonly settings: LinkedInSettings,
    private readonly options: { timeoutMs?: number } = {},
  ) {
    const ruleIds = [...new Set(Object.values(settings.conversionRules ?? {}))].sort();
    if (!settings.accessToken || ruleIds.length === 0) {
      throw new Error('LinkedInDestination needs LINKEDIN_ACCESS_TOKEN and LINKEDIN_CONVERSION_RULES');
    }
    this.accessToken = settings.accessToken;
    // LinkedIn has no single account id here: events go to conversion rules, so those name it.
    this.accountId = `rules:${ruleIds.join(',')}`;
    // The version and rules are in it: a pause for a sunset version (426) or a rule the member cannot use
    // (403) is lifted when the operator changes them, as for a new token.
    this.credentialFingerprint = sha256Hex(
      JSON.stringify([
        settings.accessToken,
        settings.oauth?.clientId ?? '',
        settings.oauth?.refreshToken ?? '',
        settings.apiVersion,
        ruleIds,
      ]),
    );
  }

  build(conversion: Conversion, now: Date): BuildDecision<LinkedInEvent> {
    return buildLinkedInEvent(conversion, { conversionRules: this.settings.conversionRules }, now);
  }

  validate(payload: LinkedInEvent, now: Date): string | undefined {
    return validateLinkedInEvent(payload, now);
  }

  /** LinkedIn has no test mode (§3): `testEventCode` is ignored; use a separate test conversion rule. */
  async send(payloads: LinkedInEvent[], _options: SendOptions = {}): Promise<DestinationExchange> {
    const token = this.accessToken;
    const first = await this.post(payloads, token);
    if (first.status !== 401 || !canRefresh(this.settings.oauth)) return first;
    const refreshed = await this.refresh(token);
    if (typeof refreshed !== 'string') {
      const said = 'message' in first.outcome ? first.outcome.message : 'LinkedIn HTTP 401';
      return {
        ...first,
        outcome: { kind: 'config', message: `${said}; ${refreshed.error}`, traceId: first.outcome.traceId },
      };
    }
    const retried = await this.post(payloads, refreshed);
    return { ...retried, durationMs: first.durationMs + retried.durationMs };
  }

  private post(events: LinkedInEvent[], accessToken: string): Promise<DestinationExchange> {
    return postLinkedInEvents({
      apiUrl: this.settings.apiUrl,
      apiVersion: this.settings.apiVersion,
      accessToken,
      events,
      timeoutMs: this.options.timeoutMs,
    });
  }

  /**
   * One refresh at a time: concurrent sends that all met the 401 share it instead of spending the refresh
   * token several times. A send that failed with a token another send has since replaced just uses the new one.
   */
  private refresh(failedToken: string): Promise<string | { error: string }> {
    if (failedToken !== this.accessToken) return Promise.resolve(this.accessToken);
    this.refreshing ??= refreshLinkedInToken(
      this.settings.oauth as LinkedInOAuthSettings,
      this.options.timeoutMs,
    )
      .then((result) => {
        if ('error' in result) return result;
        this.accessToken = result.accessToken;
        return result.accessToken;
      })
      .finally(() => {
        this.refreshing = undefined;
      });
    return this.refreshing;
  }
}
