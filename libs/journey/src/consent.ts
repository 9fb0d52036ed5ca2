export type ConsentState = 'granted' | 'denied';

/** Google Consent Mode v2 keys plus an IAB TCF string, as recorded per touchpoint and form. */
export interface ConsentSnapshot {
  ad_storage?: ConsentState;
  ad_user_data?: ConsentState;
  ad_personalization?: ConsentState;
  analytics_storage?: ConsentState;
  tcf_string?: string;
  /** IAB US Privacy string (CCPA), e.g. `1YYN`: version, notice given, opted out of sale, LSPA. */
  us_privacy?: string;
}

export const CONSENT_KEYS = [
  'ad_storage',
  'ad_user_data',
  'ad_personalization',
  'analytics_storage',
] as const;

/** Keeps only the known keys that were actually sent; undefined when nothing was. */
export function consentSnapshot(input: ConsentSnapshot | undefined): ConsentSnapshot | undefined {
  if (!input) return undefined;
  const snapshot: ConsentSnapshot = {};
  for (const key of CONSENT_KEYS) if (input[key]) snapshot[key] = input[key];
  if (input.tcf_string) snapshot.tcf_string = input.tcf_string;
  if (input.us_privacy) snapshot.us_privacy = input.us_privacy;
  return Object.keys(snapshot).length ? snapshot : undefined;
}

/** A US visitor who opted out of sale (IAB US Privacy string, third character `Y`): Meta's LDU applies. */
export function isUsPrivacyOptOut(consent: ConsentSnapshot | undefined): boolean {
  return /^1[-YN]Y[-YN]$/i.test(consent?.us_privacy ?? '');
}
