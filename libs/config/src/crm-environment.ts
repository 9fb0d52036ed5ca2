import { Transform } from 'class-transformer';
import { IsOptional, IsString, Matches, MinLength } from 'class-validator';
import { ProcessEnvironment } from './retention-environment';

const HTTP_URL = /^https?:\/\/[^\s/]+(\/[^\s]*)?$/;
const wholeNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/**
 * The CRMs' APIs for joins and reconciliation sweeps (HighLevel, Salesforce; HubSpot's token lives with its
 * webhook settings in Environment). A half-set group fails at start-up (crmApiProblems), never at a sweep.
 */
export class CrmEnvironment extends ProcessEnvironment {
  /** HighLevel private integration token (location scope). */
  @IsOptional()
  @IsString()
  @MinLength(10, { message: 'GHL_API_TOKEN must be at least 10 characters' })
  GHL_API_TOKEN?: string;

  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{5,64}$/, { message: 'GHL_LOCATION_ID must be a HighLevel location id' })
  GHL_LOCATION_ID?: string;

  @Matches(HTTP_URL, { message: 'GHL_API_URL must be an http(s) URL' })
  GHL_API_URL = 'https://services.leadconnectorhq.com';

  @Matches(HTTP_URL, { message: 'SALESFORCE_LOGIN_URL must be an http(s) URL' })
  SALESFORCE_LOGIN_URL = 'https://login.salesforce.com';

  @IsOptional()
  @IsString()
  @MinLength(10, { message: 'SALESFORCE_CLIENT_ID must be the connected app consumer key' })
  SALESFORCE_CLIENT_ID?: string;

  @IsOptional()
  @IsString()
  @MinLength(10, { message: 'SALESFORCE_CLIENT_SECRET must be the connected app consumer secret' })
  SALESFORCE_CLIENT_SECRET?: string;

  @Matches(/^v\d{2,3}\.0$/, { message: 'SALESFORCE_API_VERSION must look like v62.0' })
  SALESFORCE_API_VERSION = 'v62.0';

  /** How often each configured CRM's API is swept for changes whose webhook never arrived (minutes). */
  // Checked by crmApiProblems (a whole number, 1 or more).
  @Transform(wholeNumber)
  CRM_RECONCILE_MINUTES = 15;
}

export interface CrmApiConfig {
  /** How often configured CRMs are swept (CRM_RECONCILE_MINUTES). */
  reconcileMinutes: number;
  gohighlevel: { enabled: boolean; token?: string; locationId?: string; apiUrl: string };
  salesforce: {
    enabled: boolean;
    loginUrl: string;
    clientId?: string;
    clientSecret?: string;
    apiVersion: string;
  };
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

export function crmApiConfig(env: CrmEnvironment): CrmApiConfig {
  return {
    reconcileMinutes: env.CRM_RECONCILE_MINUTES,
    gohighlevel: {
      enabled: Boolean(env.GHL_API_TOKEN && env.GHL_LOCATION_ID),
      token: env.GHL_API_TOKEN,
      locationId: env.GHL_LOCATION_ID,
      apiUrl: trimSlash(env.GHL_API_URL),
    },
    salesforce: {
      enabled: Boolean(env.SALESFORCE_CLIENT_ID && env.SALESFORCE_CLIENT_SECRET),
      loginUrl: trimSlash(env.SALESFORCE_LOGIN_URL),
      clientId: env.SALESFORCE_CLIENT_ID,
      clientSecret: env.SALESFORCE_CLIENT_SECRET,
      apiVersion: env.SALESFORCE_API_VERSION,
    },
  };
}

/** A half-set CRM API group, or a reconcile interval that is not a whole number of minutes ≥ 1. */
export function crmApiProblems(env: CrmEnvironment): string[] {
  const problems: string[] = [];
  const minutes = env.CRM_RECONCILE_MINUTES as unknown;
  if (!Number.isInteger(minutes) || (minutes as number) < 1) {
    problems.push('CRM_RECONCILE_MINUTES must be a whole number of minutes, 1 or more');
  }
  const groups = [
    { GHL_API_TOKEN: env.GHL_API_TOKEN, GHL_LOCATION_ID: env.GHL_LOCATION_ID },
    {
      SALESFORCE_CLIENT_ID: env.SALESFORCE_CLIENT_ID,
      SALESFORCE_CLIENT_SECRET: env.SALESFORCE_CLIENT_SECRET,
    },
  ];
  for (const group of groups) {
    const set = Object.entries(group).filter(([, value]) => value);
    if (set.length && set.length < Object.keys(group).length) {
      const missing = Object.entries(group).filter(([, value]) => !value);
      problems.push(
        `${missing.map(([name]) => name).join(', ')} required when ${set.map(([name]) => name).join(', ')} set`,
      );
    }
  }
  return problems;
}
