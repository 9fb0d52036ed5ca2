import { createHmac } from 'node:crypto';

/**
 * CSRF token of the console's state-changing forms: an HMAC of the credential the browser sends
 * (`Authorization`, re-sent by the browser for basic auth) under a key derived from ADMIN_TOKEN. A page on
 * another site cannot read our pages, so it cannot know the token; it changes with the credential and the
 * admin token, and needs no server-side session. Checked on top of the Origin/Sec-Fetch-Site refusal.
 */
export function csrfToken(adminToken: string, authorization: string): string {
  const key = createHmac('sha256', adminToken).update('journey-store console csrf v1').digest();
  return createHmac('sha256', key).update(authorization).digest('base64url');
}

export const CSRF_FIELD = 'csrf';
