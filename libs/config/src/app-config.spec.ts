import { CRM_ADAPTERS } from '@app/crm';
import {
  GOHIGHLEVEL_ED25519_PUBLIC_KEY,
  GOHIGHLEVEL_RSA_PUBLIC_KEY,
} from '@app/crm/gohighlevel/published-keys';
import { AppConfig, developmentSecretsIn } from './app-config';
import { Environment } from './environment';
import { problemsOf } from '../../../test/support/config-problems';

describe('AppConfig', () => {
  it("applies SPEC's defaults to an empty environment", () => {
    const config = AppConfig.fromEnv({});
    expect(config.databaseUrl).toBe('postgresql://postgres:postgres@127.0.0.1:5432/journey');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.port).toBe(3000);
    expect(config.meta).toMatchObject({
      apiVersion: 'v24.0',
      graphUrl: 'https://graph.facebook.com',
      enabled: false,
    });
    expect(config.hubspot).toMatchObject({
      apiUrl: 'https://api.hubapi.com',
      externalIdProperty: 'journey_external_id',
    });
    expect(config.salesforce).toEqual({
      orgIds: [],
      externalIdField: 'Journey_External_Id__c',
      leadIdField: undefined,
    });
    expect(config.hubspot.leadIdProperty).toBeUndefined();
    expect(config.meta.partnerAgent).toBe('journey-store-0.1.0');
    expect(config.http).toEqual({ trustProxy: 'loopback', corsOrigins: [], publicBaseUrl: undefined });
    expect(config.gohighlevel.publicKey).toContain('BEGIN PUBLIC KEY');
    expect(config.auth).toEqual({ adminToken: undefined, ingestApiKey: undefined });
  });

  it("defaults HighLevel's keys to the ones it publishes (kept in the CRM's folder)", () => {
    expect(AppConfig.fromEnv({}).gohighlevel).toMatchObject({
      publicKey: GOHIGHLEVEL_ED25519_PUBLIC_KEY,
      rsaPublicKey: GOHIGHLEVEL_RSA_PUBLIC_KEY,
    });
  });

  it('has every setting the CRM adapters name as identity fields', () => {
    const known = Object.keys(new Environment());
    for (const { identityFields } of Object.values(CRM_ADAPTERS)) {
      const settings: (string | undefined)[] = [identityFields.externalIdSetting];
      if ('leadIdSetting' in identityFields) settings.push(identityFields.leadIdSetting);
      for (const setting of settings) expect(known).toContain(setting);
    }
  });

  it('treats empty values as unset', () => {
    expect(AppConfig.fromEnv({ PORT: '', DATABASE_URL: ' ' }).port).toBe(3000);
  });

  it('parses lists, numbers and PEM keys with escaped newlines', () => {
    const pem = AppConfig.fromEnv({}).gohighlevel.publicKey.replace(/\n/g, '\\n');
    const config = AppConfig.fromEnv({
      PORT: '8080',
      CORS_ORIGINS: 'https://a.test, https://b.test/',
      SALESFORCE_ORG_IDS: '00D5e000000AbCd,00D5e000000AbCdEAF',
      TRUST_PROXY: '2',
      GHL_WEBHOOK_PUBLIC_KEY: pem,
      META_PIXEL_ID: '123456789012345',
      META_ACCESS_TOKEN: 'EAAB-token-value',
    });
    expect(config.port).toBe(8080);
    expect(config.http).toEqual({
      trustProxy: 2,
      corsOrigins: ['https://a.test', 'https://b.test'],
      publicBaseUrl: undefined,
    });
    expect(config.salesforce.orgIds).toEqual(['00D5e000000AbCd', '00D5e000000AbCdEAF']);
    expect(config.gohighlevel.publicKey).toContain('\n');
    expect(config.meta.enabled).toBe(true);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({
      PORT: '99999',
      REDIS_URL: 'http://x',
      META_API_VERSION: '24',
      TRUST_PROXY: '10.0.0.0/33',
    });
    expect(problems.join('\n')).toMatch(/PORT/);
    expect(problems.join('\n')).toMatch(/REDIS_URL/);
    expect(problems.join('\n')).toMatch(/META_API_VERSION/);
    expect(problems.join('\n')).toMatch(/TRUST_PROXY/);
  });

  it('reads DEFAULT_COUNTRY as a lowercase ISO code and refuses anything else', () => {
    expect(AppConfig.fromEnv({ DEFAULT_COUNTRY: 'GB' }).capture.defaultCountry).toBe('gb');
    expect(AppConfig.fromEnv({}).capture.defaultCountry).toBeUndefined();
    for (const bad of ['XX', 'GBR', 'United Kingdom']) {
      expect(problemsOf({ DEFAULT_COUNTRY: bad }).join('\n')).toMatch(/DEFAULT_COUNTRY/);
    }
  });

  it('names the settings that still hold the documented development secrets', () => {
    const dev = AppConfig.fromEnv({
      ADMIN_TOKEN: 'dev-admin-token-change-me',
      INGEST_API_KEY: 'dev-ingest-key-change-me',
      NODE_ENV: 'production',
    });
    expect(dev.production).toBe(true);
    expect(developmentSecretsIn(dev)).toEqual(['ADMIN_TOKEN', 'INGEST_API_KEY']);
    const own = AppConfig.fromEnv({ ADMIN_TOKEN: 'a-real-secret-0123456789' });
    expect(developmentSecretsIn(own)).toEqual([]);
    expect(own.production).toBe(false);
  });

  it('reads the ingest limits, each a whole number of at least 1', () => {
    expect(AppConfig.fromEnv({}).limits).toEqual({
      perIpPerMinute: 600,
      perKeyPerMinute: 60000,
      touchpointsPerVisitorPerHour: 500,
    });
    expect(AppConfig.fromEnv({ INGEST_RATE_PER_IP_PER_MINUTE: '5' }).limits.perIpPerMinute).toBe(5);
    for (const bad of ['0', '-1', '1.5', 'lots']) {
      expect(problemsOf({ MAX_TOUCHPOINTS_PER_VISITOR_PER_HOUR: bad }).join('\n')).toMatch(
        /MAX_TOUCHPOINTS_PER_VISITOR_PER_HOUR/,
      );
    }
  });

  it('takes UNJOINED_SWEEP_MINUTES as whole minutes, 1 or more (default 15)', () => {
    expect(AppConfig.fromEnv({}).unjoinedSweepMinutes).toBe(15);
    expect(AppConfig.fromEnv({ UNJOINED_SWEEP_MINUTES: '1' }).unjoinedSweepMinutes).toBe(1);
    for (const bad of ['0', '1.5', 'soon', '-3']) {
      expect(problemsOf({ UNJOINED_SWEEP_MINUTES: bad })).toEqual([
        'UNJOINED_SWEEP_MINUTES must be a whole number of minutes, 1 or more',
      ]);
    }
  });

  it('reads PARTNER_AGENT and the optional lead id property/field, naming bad ones', () => {
    const config = AppConfig.fromEnv({
      PARTNER_AGENT: 'acme-journeys-2.1',
      HUBSPOT_LEAD_ID_PROPERTY: 'meta_lead_id',
      SALESFORCE_LEAD_ID_FIELD: 'Meta_Lead_Id__c',
    });
    expect(config.meta.partnerAgent).toBe('acme-journeys-2.1');
    expect(config.hubspot.leadIdProperty).toBe('meta_lead_id');
    expect(config.salesforce.leadIdField).toBe('Meta_Lead_Id__c');
    const problems = problemsOf({
      PARTNER_AGENT: 'has spaces',
      HUBSPOT_LEAD_ID_PROPERTY: 'meta lead id',
      SALESFORCE_LEAD_ID_FIELD: '1bad',
    }).join('\n');
    expect(problems).toMatch(/PARTNER_AGENT/);
    expect(problems).toMatch(/HUBSPOT_LEAD_ID_PROPERTY/);
    expect(problems).toMatch(/SALESFORCE_LEAD_ID_FIELD/);
  });

  it('requires the Meta pixel id and token together', () => {
    expect(problemsOf({ META_ACCESS_TOKEN: 'EAAB-token-value' })).toEqual([
      'META_PIXEL_ID is required when META_ACCESS_TOKEN is set',
    ]);
  });
});
