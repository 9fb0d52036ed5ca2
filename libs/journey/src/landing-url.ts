/** Campaign data carried by a landing URL: UTMs and the ad platforms' click ids. */
export interface CampaignParams {
  utm_source?: string;
  utm_medium?: string;
  utm_campaign?: string;
  utm_term?: string;
  utm_content?: string;
  utm_id?: string;
  fbclid?: string;
  gclid?: string;
  gbraid?: string;
  wbraid?: string;
  ttclid?: string;
  msclkid?: string;
  li_fat_id?: string;
}

export const UTM_PARAMS = [
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_term',
  'utm_content',
  'utm_id',
] as const;
export const CLICK_ID_PARAMS = [
  'fbclid',
  'gclid',
  'gbraid',
  'wbraid',
  'ttclid',
  'msclkid',
  'li_fat_id',
] as const;
/** Every campaign parameter, in the order the touchpoints table stores them. */
export const CAMPAIGN_PARAMS = [...UTM_PARAMS, ...CLICK_ID_PARAMS] as const;

/** Stored columns are bounded; a longer value is not a real click id or UTM and is dropped, not truncated. */
const MAX_PARAM_LENGTH = 512;

/**
 * Reads UTMs and click ids from an absolute URL. URLSearchParams decodes each value exactly once; click ids
 * are kept byte-for-byte after that (never re-cased, never decoded again), as Meta requires for fbclid.
 * The first occurrence of a repeated parameter wins.
 */
export function parseCampaignParams(url: string): CampaignParams {
  const params = new URL(url).searchParams;
  const found: CampaignParams = {};
  for (const name of CAMPAIGN_PARAMS) {
    const value = params.get(name);
    if (value !== null && value.trim() !== '' && value.length <= MAX_PARAM_LENGTH) found[name] = value;
  }
  return found;
}

export function hasCampaignData(params: CampaignParams): boolean {
  return CAMPAIGN_PARAMS.some((name) => params[name] !== undefined);
}
