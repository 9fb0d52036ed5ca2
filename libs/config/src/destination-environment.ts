import { IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';

/** `QualifiedLead=123,DealWon=456`: event name → the platform's id for it (digits). */
const EVENT_ID_MAP =
  /^\s*[A-Za-z][A-Za-z0-9_]{0,99}\s*=\s*\d{1,20}\s*(,\s*[A-Za-z][A-Za-z0-9_]{0,99}\s*=\s*\d{1,20}\s*)*$/;
const HTTP_URL = /^https?:\/\/[^\s/]+(\/[^\s]*)?$/;

/**
 * The ad platforms besides Meta (destinations.md). A platform is on when its credentials are set; a partial
 * set fails at start-up (AppConfig), never at the first send.
 */
export class DestinationEnvironment {
  @IsOptional()
  @IsString()
  @MinLength(5)
  GOOGLE_OAUTH_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @MinLength(5)
  GOOGLE_OAUTH_CLIENT_SECRET?: string;

  @IsOptional()
  @IsString()
  @MinLength(5)
  GOOGLE_OAUTH_REFRESH_TOKEN?: string;

  @Matches(HTTP_URL, { message: 'GOOGLE_OAUTH_TOKEN_URL must be an http(s) URL' })
  GOOGLE_OAUTH_TOKEN_URL = 'https://oauth2.googleapis.com/token';

  @Matches(HTTP_URL, { message: 'GOOGLE_DATA_MANAGER_URL must be an http(s) URL' })
  GOOGLE_DATA_MANAGER_URL = 'https://datamanager.googleapis.com';

  @IsOptional()
  @Matches(/^\d{10}$/, { message: 'GOOGLE_ADS_CUSTOMER_ID must be 10 digits, no hyphens' })
  GOOGLE_ADS_CUSTOMER_ID?: string;

  @IsOptional()
  @Matches(/^\d{10}$/, { message: 'GOOGLE_ADS_LOGIN_CUSTOMER_ID must be 10 digits, no hyphens' })
  GOOGLE_ADS_LOGIN_CUSTOMER_ID?: string;

  @IsOptional()
  @Matches(EVENT_ID_MAP, {
    message: 'GOOGLE_CONVERSION_ACTIONS must look like QualifiedLead=123,DealWon=456',
  })
  GOOGLE_CONVERSION_ACTIONS?: string;

  @IsIn(['true', 'false'], { message: 'GOOGLE_VALIDATE_ONLY must be true or false' })
  GOOGLE_VALIDATE_ONLY = 'false';

  @IsOptional()
  @IsString()
  @MinLength(10)
  TIKTOK_ACCESS_TOKEN?: string;

  @IsOptional()
  @Matches(/^[A-Z0-9]{10,40}$/, {
    message: 'TIKTOK_PIXEL_CODE must be the pixel code (capital letters and digits)',
  })
  TIKTOK_PIXEL_CODE?: string;

  @IsOptional()
  @Matches(/^\d{5,25}$/, { message: 'TIKTOK_CRM_EVENT_SET_ID must be the numeric CRM event set id' })
  TIKTOK_CRM_EVENT_SET_ID?: string;

  @Matches(HTTP_URL, { message: 'TIKTOK_API_URL must be an http(s) URL' })
  TIKTOK_API_URL = 'https://business-api.tiktok.com';

  @IsOptional()
  @IsString()
  @MaxLength(64)
  TIKTOK_TEST_EVENT_CODE?: string;

  @IsOptional()
  @IsString()
  @MinLength(10)
  LINKEDIN_ACCESS_TOKEN?: string;

  @IsOptional()
  @IsString()
  @MinLength(5)
  LINKEDIN_OAUTH_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @MinLength(5)
  LINKEDIN_OAUTH_CLIENT_SECRET?: string;

  @IsOptional()
  @IsString()
  @MinLength(5)
  LINKEDIN_OAUTH_REFRESH_TOKEN?: string;

  @Matches(HTTP_URL, { message: 'LINKEDIN_OAUTH_TOKEN_URL must be an http(s) URL' })
  LINKEDIN_OAUTH_TOKEN_URL = 'https://www.linkedin.com/oauth/v2/accessToken';

  @IsOptional()
  @Matches(EVENT_ID_MAP, {
    message: 'LINKEDIN_CONVERSION_RULES must look like QualifiedLead=104012,DealWon=104013',
  })
  LINKEDIN_CONVERSION_RULES?: string;

  @Matches(HTTP_URL, { message: 'LINKEDIN_API_URL must be an http(s) URL' })
  LINKEDIN_API_URL = 'https://api.linkedin.com';

  /** Versions sunset about a year after release; keep this within the last twelve months. */
  @Matches(/^20\d{2}(0[1-9]|1[0-2])$/, { message: 'LINKEDIN_API_VERSION must be YYYYMM, e.g. 202610' })
  LINKEDIN_API_VERSION = '202610';

  @IsIn(['true', 'false'], { message: 'DRY_RUN_DESTINATIONS must be true or false' })
  DRY_RUN_DESTINATIONS = 'false';
}

/** `QualifiedLead=123,DealWon=456` → { QualifiedLead: '123', DealWon: '456' }. */
export function parseEventIdMap(value: string | undefined): Record<string, string> {
  const map: Record<string, string> = {};
  for (const pair of (value ?? '').split(',')) {
    const [name, id] = pair.split('=').map((part) => part.trim());
    if (name && id) map[name] = id;
  }
  return map;
}

export interface DestinationsConfig {
  /** Record what each destination would receive instead of sending. */
  dryRun: boolean;
  google: {
    enabled: boolean;
    oauth: { clientId?: string; clientSecret?: string; refreshToken?: string; tokenUrl: string };
    dataManagerUrl: string;
    customerId?: string;
    loginCustomerId?: string;
    /** Event name → conversion action id. */
    conversionActions: Record<string, string>;
    validateOnly: boolean;
  };
  tiktok: {
    enabled: boolean;
    accessToken?: string;
    pixelCode?: string;
    crmEventSetId?: string;
    apiUrl: string;
    testEventCode?: string;
  };
  linkedin: {
    enabled: boolean;
    accessToken?: string;
    oauth: { clientId?: string; clientSecret?: string; refreshToken?: string; tokenUrl: string };
    /** Event name → conversion rule id. */
    conversionRules: Record<string, string>;
    apiUrl: string;
    apiVersion: string;
  };
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export function destinationsConfig(env: DestinationEnvironment): DestinationsConfig {
  const googleOauth = [
    env.GOOGLE_OAUTH_CLIENT_ID,
    env.GOOGLE_OAUTH_CLIENT_SECRET,
    env.GOOGLE_OAUTH_REFRESH_TOKEN,
  ];
  return {
    dryRun: env.DRY_RUN_DESTINATIONS === 'true',
    google: {
      enabled:
        googleOauth.every(Boolean) && Boolean(env.GOOGLE_ADS_CUSTOMER_ID && env.GOOGLE_CONVERSION_ACTIONS),
      oauth: {
        clientId: env.GOOGLE_OAUTH_CLIENT_ID,
        clientSecret: env.GOOGLE_OAUTH_CLIENT_SECRET,
        refreshToken: env.GOOGLE_OAUTH_REFRESH_TOKEN,
        tokenUrl: env.GOOGLE_OAUTH_TOKEN_URL,
      },
      dataManagerUrl: trimSlash(env.GOOGLE_DATA_MANAGER_URL),
      customerId: env.GOOGLE_ADS_CUSTOMER_ID,
      loginCustomerId: env.GOOGLE_ADS_LOGIN_CUSTOMER_ID,
      conversionActions: parseEventIdMap(env.GOOGLE_CONVERSION_ACTIONS),
      validateOnly: env.GOOGLE_VALIDATE_ONLY === 'true',
    },
    tiktok: {
      enabled: Boolean(env.TIKTOK_ACCESS_TOKEN && env.TIKTOK_PIXEL_CODE),
      accessToken: env.TIKTOK_ACCESS_TOKEN,
      pixelCode: env.TIKTOK_PIXEL_CODE,
      crmEventSetId: env.TIKTOK_CRM_EVENT_SET_ID,
      apiUrl: trimSlash(env.TIKTOK_API_URL),
      testEventCode: env.TIKTOK_TEST_EVENT_CODE,
    },
    linkedin: {
      enabled: Boolean(env.LINKEDIN_ACCESS_TOKEN && env.LINKEDIN_CONVERSION_RULES),
      accessToken: env.LINKEDIN_ACCESS_TOKEN,
      oauth: {
        clientId: env.LINKEDIN_OAUTH_CLIENT_ID,
        clientSecret: env.LINKEDIN_OAUTH_CLIENT_SECRET,
        refreshToken: env.LINKEDIN_OAUTH_REFRESH_TOKEN,
        tokenUrl: env.LINKEDIN_OAUTH_TOKEN_URL,
      },
      conversionRules: parseEventIdMap(env.LINKEDIN_CONVERSION_RULES),
      apiUrl: trimSlash(env.LINKEDIN_API_URL),
      apiVersion: env.LINKEDIN_API_VERSION,
    },
  };
}

/** A half-configured platform fails at start-up, naming what is missing. */
export function destinationProblems(env: DestinationEnvironment): string[] {
  const problems: string[] = [];
  const google = {
    GOOGLE_OAUTH_CLIENT_ID: env.GOOGLE_OAUTH_CLIENT_ID,
    GOOGLE_OAUTH_CLIENT_SECRET: env.GOOGLE_OAUTH_CLIENT_SECRET,
    GOOGLE_OAUTH_REFRESH_TOKEN: env.GOOGLE_OAUTH_REFRESH_TOKEN,
    GOOGLE_ADS_CUSTOMER_ID: env.GOOGLE_ADS_CUSTOMER_ID,
    GOOGLE_CONVERSION_ACTIONS: env.GOOGLE_CONVERSION_ACTIONS,
  };
  const tiktok = { TIKTOK_ACCESS_TOKEN: env.TIKTOK_ACCESS_TOKEN, TIKTOK_PIXEL_CODE: env.TIKTOK_PIXEL_CODE };
  const linkedin = {
    LINKEDIN_ACCESS_TOKEN: env.LINKEDIN_ACCESS_TOKEN,
    LINKEDIN_CONVERSION_RULES: env.LINKEDIN_CONVERSION_RULES,
  };
  for (const group of [google, tiktok, linkedin]) {
    const set = Object.entries(group).filter(([, value]) => value);
    if (set.length && set.length < Object.keys(group).length) {
      const missing = Object.keys(group).filter((name) => !group[name as keyof typeof group]);
      problems.push(`${missing.join(', ')} required when ${set.map(([name]) => name).join(', ')} set`);
    }
  }
  const linkedinRefresh = [
    env.LINKEDIN_OAUTH_CLIENT_ID,
    env.LINKEDIN_OAUTH_CLIENT_SECRET,
    env.LINKEDIN_OAUTH_REFRESH_TOKEN,
  ];
  if (linkedinRefresh.some(Boolean) && !linkedinRefresh.every(Boolean))
    problems.push(
      'LINKEDIN_OAUTH_CLIENT_ID, LINKEDIN_OAUTH_CLIENT_SECRET and LINKEDIN_OAUTH_REFRESH_TOKEN go together',
    );
  return problems;
}
