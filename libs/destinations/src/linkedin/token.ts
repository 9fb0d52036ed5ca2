/**
 * Refreshes a LinkedIn access token (destinations.md §3): `POST tokenUrl` with the form
 * grant_type=refresh_token, refresh_token, client_id, client_secret. Only approved MDP partners get refresh
 * tokens; they last 365 days from the first consent and refreshing does not extend that. Never throws.
 */
import { asRecord, parseBody, redact } from '../post-json';

export interface LinkedInOAuthSettings {
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
  tokenUrl: string;
}

export type RefreshResult = { accessToken: string; expiresInS?: number } | { error: string };

export const canRefresh = (oauth: LinkedInOAuthSettings | undefined): boolean =>
  Boolean(oauth?.clientId && oauth.clientSecret && oauth.refreshToken && oauth.tokenUrl);

export async function refreshLinkedInToken(
  oauth: LinkedInOAuthSettings,
  timeoutMs = 10_000,
): Promise<RefreshResult> {
  if (!canRefresh(oauth)) return { error: 'no refresh settings (LINKEDIN_OAUTH_*)' };
  const secrets = [oauth.clientSecret, oauth.refreshToken];
  const form = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: oauth.refreshToken ?? '',
    client_id: oauth.clientId ?? '',
    client_secret: oauth.clientSecret ?? '',
  });
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(oauth.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
      signal: controller.signal,
    });
    const body = asRecord(parseBody(await response.text()));
    const accessToken = typeof body?.access_token === 'string' ? body.access_token : undefined;
    if (response.ok && accessToken) {
      const expiresInS = typeof body?.expires_in === 'number' ? body.expires_in : undefined;
      return { accessToken, expiresInS };
    }
    // `invalid_grant`: the refresh token expired or was revoked; a member must consent again.
    const reason = [body?.error, body?.error_description]
      .filter((part) => typeof part === 'string')
      .join(': ');
    return {
      error: redact(`token refresh answered HTTP ${response.status}${reason ? ` ${reason}` : ''}`, secrets),
    };
  } catch (error) {
    const text = controller.signal.aborted ? `timeout after ${timeoutMs} ms` : String(error);
    return { error: redact(`token refresh failed: ${text}`, secrets) };
  } finally {
    clearTimeout(timer);
  }
}
