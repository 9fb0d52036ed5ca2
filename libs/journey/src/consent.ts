export type ConsentState = 'granted' | 'denied';

/** Google Consent Mode v2 keys plus an IAB TCF string, as recorded per touchpoint and form. */
export interface ConsentSnapshot {
  ad_storage?: ConsentState;
  ad_user_data?: ConsentState;
  ad_personalization?: ConsentState;
  analytics_storage?: ConsentState;
  tcf_string?: string;
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
  return Object.keys(snapshot).length ? snapshot : undefined;
}
