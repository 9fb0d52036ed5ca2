import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  registerDecorator,
  ValidationOptions,
} from 'class-validator';
import * as countries from 'i18n-iso-countries';
import {
  GOHIGHLEVEL_ED25519_PUBLIC_KEY,
  GOHIGHLEVEL_RSA_PUBLIC_KEY,
} from '@app/crm/gohighlevel/published-keys';
import { defaultPartnerAgent } from './partner-agent';
import { RedisEnvironment } from './redis-environment';

/** PEM keys are often passed on one line with literal "\n". */
const pemFromEnv = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.replace(/\\n/g, '\n').trim() : value;

function Validates(check: (value: unknown) => boolean, message: string, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: `validates_${propertyName}`,
      target: target.constructor,
      propertyName,
      options: { message: `$property ${message}`, ...options },
      validator: { validate: (value: unknown) => value === undefined || check(value) },
    });
}

const isUrlWithProtocol = (protocols: string[]) => (value: unknown) => {
  if (typeof value !== 'string') return false;
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

const isPublicKeyPem = (value: unknown) => {
  try {
    createPublicKey(String(value));
    return true;
  } catch {
    return false;
  }
};

const isOriginList = (value: unknown) =>
  String(value)
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean)
    .every((origin) => {
      try {
        const url = new URL(origin);
        return (
          (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin.replace(/\/$/, '')
        );
      } catch {
        return false;
      }
    });

/** Express `trust proxy` syntax: true/false, a hop count, or a comma list of names, IPs and CIDRs. */
const isTrustProxy = (value: unknown) => {
  const text = String(value).trim();
  if (/^(true|false|\d+)$/.test(text)) return true;
  return text.split(',').every((token) => {
    const entry = token.trim();
    if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
    const [address, bits, ...rest] = entry.split('/');
    if (rest.length || !isIP(address)) return false;
    if (bits === undefined) return true;
    const max = isIP(address) === 4 ? 32 : 128;
    return /^\d+$/.test(bits) && Number(bits) <= max;
  });
};

const isReadableJsonFile = (value: unknown) => {
  try {
    if (!existsSync(String(value))) return false;
    JSON.parse(readFileSync(String(value), 'utf8'));
    return true;
  } catch {
    return false;
  }
};

const isIsoCountry = (value: unknown) =>
  typeof value === 'string' && /^[A-Za-z]{2}$/.test(value) && countries.isValid(value.toUpperCase());

const isSalesforceOrgList = (value: unknown) =>
  String(value)
    .split(',')
    .map((id) => id.trim())
    .filter(Boolean)
    .every((id) => /^00D[a-zA-Z0-9]{12}([a-zA-Z0-9]{3})?$/.test(id));

/**
 * Every environment variable the services read, with SPEC's names and defaults. Validated once at start-up
 * (see loadConfig); nothing else in the code base reads process.env.
 */
export class Environment extends RedisEnvironment {
  @Validates(isUrlWithProtocol(['postgres:', 'postgresql:']), 'must be a postgresql:// URL')
  DATABASE_URL = 'postgresql://postgres:postgres@127.0.0.1:5432/journey';

  @Validates(isUrlWithProtocol(['redis:', 'rediss:']), 'must be a redis:// or rediss:// URL')
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'PORT must be an integer' })
  @Min(1)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @IsOptional()
  @Matches(/^\d{5,20}$/, { message: 'META_PIXEL_ID must be the numeric pixel (dataset) id' })
  META_PIXEL_ID?: string;

  @IsOptional()
  @IsString()
  @MinLength(10)
  META_ACCESS_TOKEN?: string;

  @Matches(/^v\d+\.\d+$/, { message: 'META_API_VERSION must look like v24.0' })
  META_API_VERSION = 'v24.0';

  @Validates(isUrlWithProtocol(['http:', 'https:']), 'must be an http(s) URL')
  META_GRAPH_URL = 'https://graph.facebook.com';

  @IsOptional()
  @IsString()
  @MaxLength(64)
  META_TEST_EVENT_CODE?: string;

  /** Currency for deal values when the CRM sends none (Meta ignores a value without a currency). */
  @IsOptional()
  @Matches(/^[A-Z]{3}$/, { message: 'DEFAULT_CURRENCY must be an ISO 4217 code such as USD' })
  DEFAULT_CURRENCY?: string;

  /** `partner_agent` on every Meta request, so Meta's dataset-quality tooling can attribute our events. */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:/+-]{0,99}$/, {
    message: 'PARTNER_AGENT must be 1-100 letters, digits or _ . : / + - (no spaces)',
  })
  PARTNER_AGENT = defaultPartnerAgent();

  @IsOptional()
  @IsString()
  HUBSPOT_CLIENT_SECRET?: string;

  @IsOptional()
  @IsString()
  HUBSPOT_ACCESS_TOKEN?: string;

  @Validates(isUrlWithProtocol(['http:', 'https:']), 'must be an http(s) URL')
  HUBSPOT_API_URL = 'https://api.hubapi.com';

  @Matches(/^[a-z0-9_]{1,100}$/i, { message: 'HUBSPOT_EXTERNAL_ID_PROPERTY must be a HubSpot property name' })
  HUBSPOT_EXTERNAL_ID_PROPERTY = 'journey_external_id';

  /** Contact/deal property holding a Meta Lead Ads lead id (sent as user_data.lead_id). */
  @IsOptional()
  @Matches(/^[a-z0-9_]{1,100}$/i, { message: 'HUBSPOT_LEAD_ID_PROPERTY must be a HubSpot property name' })
  HUBSPOT_LEAD_ID_PROPERTY?: string;

  @Transform(pemFromEnv)
  @Validates(isPublicKeyPem, 'must be a PEM public key')
  GHL_WEBHOOK_PUBLIC_KEY = GOHIGHLEVEL_ED25519_PUBLIC_KEY;

  @Transform(pemFromEnv)
  @Validates(isPublicKeyPem, 'must be a PEM public key')
  GHL_WEBHOOK_RSA_PUBLIC_KEY = GOHIGHLEVEL_RSA_PUBLIC_KEY;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'GHL_WORKFLOW_SECRET must be at least 16 characters' })
  GHL_WORKFLOW_SECRET?: string;

  /** Id of the HighLevel contact custom field holding our external_id (contact events are keyed by id). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,100}$/, { message: 'GHL_EXTERNAL_ID_FIELD must be a custom field id' })
  GHL_EXTERNAL_ID_FIELD?: string;

  @IsOptional()
  @Validates(isSalesforceOrgList, 'must be a comma list of 15/18-character organization ids (00D...)')
  SALESFORCE_ORG_IDS?: string;

  @Matches(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, {
    message: 'SALESFORCE_EXTERNAL_ID_FIELD must be an API field name',
  })
  SALESFORCE_EXTERNAL_ID_FIELD = 'Journey_External_Id__c';

  /** sObject field holding a Meta Lead Ads lead id, read from Outbound Messages. */
  @IsOptional()
  @Matches(/^[A-Za-z][A-Za-z0-9_]{0,79}$/, { message: 'SALESFORCE_LEAD_ID_FIELD must be an API field name' })
  SALESFORCE_LEAD_ID_FIELD?: string;

  @Validates(
    isTrustProxy,
    'must be true, false, a hop count or a comma list of loopback/linklocal/uniquelocal/IPs/CIDRs',
  )
  TRUST_PROXY = 'loopback';

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters' })
  ADMIN_TOKEN?: string;

  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'INGEST_API_KEY must be at least 16 characters' })
  INGEST_API_KEY?: string;

  @IsOptional()
  @Validates(isOriginList, 'must be a comma list of origins such as https://www.example.com')
  CORS_ORIGINS?: string;

  @IsOptional()
  @Validates(isReadableJsonFile, 'must name a readable JSON file')
  STAGE_MAP_FILE?: string;

  /** Region for national phone numbers and day/month order when neither the form nor the visitor gives one. */
  @IsOptional()
  @Validates(isIsoCountry, 'must be an ISO 3166-1 alpha-2 country code such as GB')
  DEFAULT_COUNTRY?: string;

  @IsOptional()
  @Validates(
    isUrlWithProtocol(['http:', 'https:']),
    'must be the public http(s) base URL, e.g. https://journey.example.com',
  )
  PUBLIC_BASE_URL?: string;

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  /** Only `production` changes anything: start-up warnings about development secrets. */
  @IsOptional()
  @IsString()
  NODE_ENV?: string;

  /** How long queued work may sit before the worker checks that its Redis job still exists (ms). */
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'RECONCILE_AFTER_MS must be an integer number of milliseconds' })
  @Min(1000)
  RECONCILE_AFTER_MS = 60_000;

  /**
   * How often the worker's relay looks for pending lifecycle events when nothing woke it (ms). Stored
   * webhooks wake it at once (Postgres NOTIFY on commit); this catches every other path that re-pends events.
   */
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'LIFECYCLE_RELAY_POLL_MS must be an integer number of milliseconds' })
  @Min(10)
  LIFECYCLE_RELAY_POLL_MS = 200;

  /** Browser ingest calls (no X-Api-Key) one client IP may make per minute; past it, 429. */
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'INGEST_RATE_PER_IP_PER_MINUTE must be a whole number' })
  @Min(1)
  INGEST_RATE_PER_IP_PER_MINUTE = 600;

  /** Server ingest calls one API key may make per minute; past it, 429. */
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'INGEST_RATE_PER_KEY_PER_MINUTE must be a whole number' })
  @Min(1)
  INGEST_RATE_PER_KEY_PER_MINUTE = 60_000;

  /** Touchpoints one external_id may add per clock hour; past it they are acknowledged and ignored. */
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @IsInt({ message: 'MAX_TOUCHPOINTS_PER_VISITOR_PER_HOUR must be a whole number' })
  @Min(1)
  MAX_TOUCHPOINTS_PER_VISITOR_PER_HOUR = 500;

  /** How often unjoined lifecycle events go through the whole join again (whole minutes). */
  @Transform(({ value }) => (typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value))
  @Validates(
    (value) => Number.isInteger(value) && Number(value) >= 1,
    'must be a whole number of minutes, 1 or more',
  )
  UNJOINED_SWEEP_MINUTES = 15;
}
