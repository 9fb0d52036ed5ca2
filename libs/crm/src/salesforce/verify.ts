// Authenticity of Salesforce Outbound Messages (crm-webhooks.md §3.4). They carry no signature: a message
// is accepted when its OrganizationId is one of SALESFORCE_ORG_IDS (network allow-listing and TLS belong
// to the proxy in front). The id is inside the message, so this check runs on the parsed delivery.
import type { SignatureCheck } from '../lifecycle-change';
import { orgIdMatches } from './org-id';

/** The scheme recorded for a delivery accepted by its organization id. */
export const SALESFORCE_SCHEME_ORG_ID = 'org_id';

/**
 * `not_configured` without an allow-list (the body is then never read: `organizationId` is asked for only
 * once there is a list to compare with), `unknown_organization` for an id not on it.
 */
export function verifySalesforceOrganization(
  organizationId: () => string,
  allowed: readonly string[],
): SignatureCheck {
  if (!allowed.length) return { ok: false, reason: 'not_configured' };
  return orgIdMatches(organizationId(), allowed)
    ? { ok: true, scheme: SALESFORCE_SCHEME_ORG_ID }
    : { ok: false, reason: 'unknown_organization' };
}
