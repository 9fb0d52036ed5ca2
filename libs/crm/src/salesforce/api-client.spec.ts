import { normalizeEmail, sha256Hex } from '@app/journey';
import { FakeSalesforceApi } from '../../../../test/fakes/salesforce-api';
import { SalesforceApiClient, SalesforceApiError, soqlDateTime, soqlField, soqlId } from './api-client';
import { salesforceContacts, SalesforceReconcileSource } from './records';

const CLIENT_ID = 'fake-client-id-0001';
const CLIENT_SECRET = 'fake-client-secret-0001';
const emailHash = (email: string) => sha256Hex((normalizeEmail(email) as { value: string }).value);
const OPP = '0065g00000AbCdEAAV';
const ACCOUNT = '0015g00000AbCdEAAV';
const CONTACT_A = '0035g00000AAAAAAA1';
const CONTACT_B = '0035g00000BBBBBBB2';
const LEAD = '00Q5g00000AbCdEAAV';

describe('SalesforceApiClient (against the local fake)', () => {
  let fake: FakeSalesforceApi;
  let url: string;
  const client = (secret = CLIENT_SECRET) =>
    new SalesforceApiClient({
      loginUrl: url,
      clientId: CLIENT_ID,
      clientSecret: secret,
      apiVersion: 'v62.0',
    });

  beforeEach(async () => {
    fake = new FakeSalesforceApi({ pageSize: 2 });
    ({ url } = await fake.start());
  });
  afterEach(() => fake.stop());

  it('logs in with the client-credentials flow once and follows nextRecordsUrl', async () => {
    for (const id of [CONTACT_A, CONTACT_B, '0035g00000CCCCCCC3'])
      fake.add('Contact', { Id: id, AccountId: ACCOUNT });
    const api = client();
    const rows = await api.query(`SELECT Id FROM Contact WHERE AccountId = '${ACCOUNT}'`);
    expect(rows.map((r) => r.Id)).toHaveLength(3);
    await expect(api.organizationId()).resolves.toBe(fake.organizationId);
    const requests = fake.requests();
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /services/oauth2/token',
      'GET /services/data/v62.0/query',
      'GET /services/data/v62.0/query/01gFAKE-1',
    ]);
    expect(new URLSearchParams(requests[0].body).get('grant_type')).toBe('client_credentials');
    expect(requests[1].headers.authorization).toMatch(/^Bearer 00D!fake-token-1$/);
  });

  it('logs in again once on a 401 and retries the query', async () => {
    fake.add('Lead', { Id: LEAD, Status: 'Qualified' });
    const api = client();
    await api.query(`SELECT Id, Status FROM Lead WHERE Id = '${LEAD}'`);
    fake.expireTokens();
    await expect(api.query(`SELECT Id, Status FROM Lead WHERE Id = '${LEAD}'`)).resolves.toHaveLength(1);
    expect(fake.requests().filter((r) => r.path === '/services/oauth2/token')).toHaveLength(2);
  });

  it('treats REQUEST_LIMIT_EXCEEDED as throttled (retryable) and a bad secret as not', async () => {
    const api = client();
    fake.failNext(1, 'REQUEST_LIMIT_EXCEEDED');
    const error = await api.query(`SELECT Id FROM Lead WHERE Id = '${LEAD}'`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SalesforceApiError);
    expect(error).toMatchObject({ status: 403, retryable: true });
    fake.failNext(1, 429, '0.1');
    await expect(api.query(`SELECT Id FROM Lead WHERE Id = '${LEAD}'`)).resolves.toEqual([]);
    const refused = (await client('wrong-secret-value')
      .query(`SELECT Id FROM Lead WHERE Id = '${LEAD}'`)
      .catch((e: unknown) => e)) as SalesforceApiError;
    expect(refused).toMatchObject({ status: 400, retryable: false });
    expect(refused.message).not.toContain('wrong-secret-value');
  });

  it('joins an opportunity through its contact roles (primary first), hashing at once', async () => {
    fake.add('Opportunity', { Id: OPP, AccountId: ACCOUNT, StageName: 'Closed Won' });
    fake.addContactRole(OPP, CONTACT_B);
    fake.addContactRole(OPP, CONTACT_A, true);
    fake.add('Contact', { Id: CONTACT_A, Email: 'Ann@Example.com', Journey_External_Id__c: 'ext-a' });
    fake.add('Contact', { Id: CONTACT_B, Phone: '+1 (415) 555-0100' });
    const contacts = await salesforceContacts(
      client(),
      { objectType: 'opportunity', objectId: OPP },
      'Journey_External_Id__c',
    );
    expect(contacts).toEqual([
      { id: CONTACT_A, externalId: 'ext-a', emailHashes: [emailHash('ann@example.com')], phoneHashes: [] },
      { id: CONTACT_B, emailHashes: [], phoneHashes: [sha256Hex('14155550100')] },
    ]);
  });

  it("falls back to the account's contacts when the opportunity has no contact role", async () => {
    fake.add('Opportunity', { Id: OPP, AccountId: ACCOUNT, StageName: 'Closed Won' });
    fake.add('Contact', { Id: CONTACT_A, AccountId: ACCOUNT, Email: 'ann@example.com' });
    const contacts = await salesforceContacts(
      client(),
      { objectType: 'opportunity', objectId: OPP },
      'Journey_External_Id__c',
    );
    expect(contacts.map((c) => c.id)).toEqual([CONTACT_A]);
  });

  it('sweeps Opportunity by SystemModstamp, oldest first, continuing from the last one', async () => {
    fake.add('Opportunity', {
      Id: OPP,
      StageName: 'Closed Won',
      IsWon: true,
      Amount: 1200,
      SystemModstamp: '2026-11-30T10:10:00.000Z',
    });
    fake.add('Opportunity', {
      Id: '0065g00000OLDOLDAA',
      StageName: 'Prospecting',
      SystemModstamp: '2026-11-01T00:00:00.000Z',
    });
    const source = new SalesforceReconcileSource(client());
    const page = await source.page('opportunity', new Date('2026-11-30T10:00:00.500Z'));
    expect(page.changes).toEqual([
      expect.objectContaining({
        provider: 'salesforce',
        tenant: fake.organizationId,
        objectType: 'opportunity',
        objectId: OPP,
        stageField: 'StageName',
        stage: 'Closed Won',
        won: true,
        value: 1200,
        occurredAt: '2026-11-30T10:10:00.000Z',
      }),
    ]);
    expect(page.cursor).toEqual(new Date('2026-11-30T10:10:00.000Z'));
    expect(page.next).toBeUndefined();
    const soql = fake.requests().find((r) => r.query.q)!.query.q;
    expect(soql).toContain(
      'WHERE SystemModstamp >= 2026-11-30T10:00:00Z ORDER BY SystemModstamp ASC LIMIT 200',
    );
    const again = await source.page('opportunity', new Date('2026-11-30T10:00:00Z'));
    expect(again.changes[0].dedupeKey).toBe(page.changes[0].dedupeKey);
  });

  it('puts only checked ids, field names and whole-second times into SOQL', () => {
    expect(soqlId(OPP)).toBe(`'${OPP}'`);
    expect(() => soqlId("x' OR Id != '")).toThrow(SalesforceApiError);
    expect(() => soqlField('Name, (SELECT')).toThrow(SalesforceApiError);
    expect(soqlDateTime(new Date('2026-11-30T10:00:00.999Z'))).toBe('2026-11-30T10:00:00Z');
  });
});
