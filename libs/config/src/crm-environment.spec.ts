import { AppConfig } from './app-config';
import { problemsOf } from '../../../test/support/config-problems';

describe('CRM API settings', () => {
  it('defaults: no HighLevel or Salesforce API, HighLevel base URL, Salesforce login and version, 15 minutes', () => {
    const { crmApi } = AppConfig.fromEnv({});
    expect(crmApi).toEqual({
      reconcileMinutes: 15,
      gohighlevel: { enabled: false, apiUrl: 'https://services.leadconnectorhq.com' },
      salesforce: { enabled: false, loginUrl: 'https://login.salesforce.com', apiVersion: 'v62.0' },
    });
  });

  it('enables each CRM when its group is complete', () => {
    const { crmApi } = AppConfig.fromEnv({
      GHL_API_TOKEN: 'pit-0123456789',
      GHL_LOCATION_ID: 've9EPM428h8vShlRW1KT',
      GHL_API_URL: 'http://127.0.0.1:9999/',
      SALESFORCE_CLIENT_ID: '3MVG9-consumer-key',
      SALESFORCE_CLIENT_SECRET: 'consumer-secret-value',
      SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com',
      SALESFORCE_API_VERSION: 'v61.0',
      CRM_RECONCILE_MINUTES: '5',
    });
    expect(crmApi.reconcileMinutes).toBe(5);
    expect(crmApi.gohighlevel).toMatchObject({ enabled: true, apiUrl: 'http://127.0.0.1:9999' });
    expect(crmApi.salesforce).toMatchObject({
      enabled: true,
      loginUrl: 'https://acme.my.salesforce.com',
      apiVersion: 'v61.0',
    });
  });

  it('fails at start-up naming the missing half of a group', () => {
    expect(problemsOf({ GHL_API_TOKEN: 'pit-0123456789' })).toEqual([
      'GHL_LOCATION_ID required when GHL_API_TOKEN set',
    ]);
    expect(problemsOf({ SALESFORCE_CLIENT_SECRET: 'consumer-secret-value' })).toEqual([
      'SALESFORCE_CLIENT_ID required when SALESFORCE_CLIENT_SECRET set',
    ]);
  });

  it('names malformed values', () => {
    for (const bad of ['0', '1.5', 'soon', '-3']) {
      expect(problemsOf({ CRM_RECONCILE_MINUTES: bad })).toEqual([
        'CRM_RECONCILE_MINUTES must be a whole number of minutes, 1 or more',
      ]);
    }
    const problems = problemsOf({
      GHL_API_URL: 'ftp://x',
      SALESFORCE_LOGIN_URL: 'login',
      SALESFORCE_API_VERSION: '62',
    }).join('\n');
    expect(problems).toMatch(/GHL_API_URL/);
    expect(problems).toMatch(/SALESFORCE_LOGIN_URL/);
    expect(problems).toMatch(/SALESFORCE_API_VERSION/);
  });
});
