import { GoHighLevelApiClient, SalesforceApiClient } from '@app/crm';
import type { LifecycleEventRow } from '@app/db';
import { FakeGoHighLevelApi } from '../../../../test/fakes/gohighlevel-api';
import { FakeSalesforceApi } from '../../../../test/fakes/salesforce-api';
import { crmContactLookup, type CrmContactClients } from './crm-contacts';

const event = (provider: string, objectType: string, objectId: string) =>
  ({ provider, object_type: objectType, object_id: objectId, occurred_at: new Date() }) as LifecycleEventRow;

describe('crmContactLookup (against the local fakes)', () => {
  const ghl = new FakeGoHighLevelApi({ token: 'pit-test-token-1' });
  const sf = new FakeSalesforceApi();
  let clients: CrmContactClients;
  const lookup = { lookupFor: (e: LifecycleEventRow) => crmContactLookup(e, clients) };

  beforeAll(async () => {
    const [{ url: ghlUrl }, { url: sfUrl }] = await Promise.all([ghl.start(), sf.start()]);
    clients = {
      salesforceExternalIdField: 'Journey_External_Id__c',
      gohighlevel: new GoHighLevelApiClient({
        apiUrl: ghlUrl,
        token: 'pit-test-token-1',
        locationId: ghl.locationId,
        externalIdField: 'extField',
      }),
      salesforce: new SalesforceApiClient({
        loginUrl: sfUrl,
        clientId: 'fake-client-id-0001',
        clientSecret: 'fake-client-secret-0001',
        apiVersion: 'v62.0',
      }),
    };
  });
  afterAll(() => Promise.all([ghl.stop(), sf.stop()]));

  it('joins a HighLevel opportunity through its contact', async () => {
    ghl.addOpportunity({ id: 'opp1', contactId: 'c1', status: 'won' });
    ghl.addContact({
      id: 'c1',
      email: 'ann@example.com',
      customFields: [{ id: 'extField', value: 'ext-1' }],
    });
    const contacts = await lookup.lookupFor(event('gohighlevel', 'opportunity', 'opp1'))!();
    expect(contacts).toEqual([
      expect.objectContaining({ id: 'c1', externalId: 'ext-1', emailHashes: [expect.any(String)] }),
    ]);
  });

  it('joins a Salesforce opportunity through its contact roles', async () => {
    sf.add('Opportunity', { Id: '0065g00000AbCdEAAV', StageName: 'Closed Won' });
    sf.addContactRole('0065g00000AbCdEAAV', '0035g00000AAAAAAA1', true);
    sf.add('Contact', { Id: '0035g00000AAAAAAA1', Journey_External_Id__c: 'ext-sf' });
    const contacts = await lookup.lookupFor(event('salesforce', 'opportunity', '0065g00000AbCdEAAV'))!();
    expect(contacts).toEqual([
      { id: '0035g00000AAAAAAA1', externalId: 'ext-sf', emailHashes: [], phoneHashes: [] },
    ]);
  });

  it('has no lookup for a CRM without a client', () => {
    expect(lookup.lookupFor(event('hubspot', 'deal', '1'))).toBeUndefined();
  });
});
