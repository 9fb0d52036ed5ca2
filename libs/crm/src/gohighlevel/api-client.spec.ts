import { normalizeEmail, sha256Hex } from '@app/journey';
import { FakeGoHighLevelApi } from '../../../../test/fakes/gohighlevel-api';
import { GoHighLevelApiClient, GoHighLevelApiError } from './api-client';
import { parseGoHighLevelDelivery } from './parse';
import { GoHighLevelReconcileSource } from './reconcile';

const TOKEN = 'pit-test-highlevel-token';
const emailHash = (email: string) => sha256Hex((normalizeEmail(email) as { value: string }).value);

describe('GoHighLevelApiClient (against the local fake)', () => {
  const fake = new FakeGoHighLevelApi({ token: TOKEN, pageSize: 2 });
  let url: string;
  const client = (overrides: Partial<ConstructorParameters<typeof GoHighLevelApiClient>[0]> = {}) =>
    new GoHighLevelApiClient({
      apiUrl: `${url}/`,
      token: TOKEN,
      locationId: fake.locationId,
      externalIdField: 'extField1',
      ...overrides,
    });

  beforeAll(async () => ({ url } = await fake.start()));
  afterAll(() => fake.stop());
  beforeEach(() => fake.reset());

  it('reads an opportunity with the token and Version header', async () => {
    fake.addOpportunity({
      id: 'opp1',
      contactId: 'c1',
      monetaryValue: 1500,
      status: 'won',
      pipelineId: 'p1',
    });
    const opportunity = await client().opportunity('opp1');
    expect(opportunity).toMatchObject({
      id: 'opp1',
      contactId: 'c1',
      monetaryValue: 1500,
      status: 'won',
      pipelineId: 'p1',
      locationId: fake.locationId,
    });
    const [request] = fake.requests();
    expect(request.path).toBe('/opportunities/opp1');
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers.version).toBe('2021-07-28');
    await expect(client().opportunity('missing')).resolves.toBeNull();
  });

  it('reads a contact with its email and phone hashed and the external id custom field', async () => {
    fake.addContact({
      id: 'c1',
      email: ' Jane.Doe@Example.com ',
      phone: '+44 20 7946 0958',
      customFields: [
        { id: 'other', value: 'x' },
        { id: 'extField1', value: 'ext-123' },
      ],
    });
    const contact = await client().contact('c1');
    expect(contact).toEqual({
      id: 'c1',
      externalId: 'ext-123',
      emailHashes: [emailHash('jane.doe@example.com')],
      phoneHashes: [sha256Hex('442079460958')],
    });
    expect(JSON.stringify(contact)).not.toContain('Jane');
    await expect(client({ externalIdField: undefined }).contact('c1')).resolves.not.toHaveProperty(
      'externalId',
    );
  });

  it('pages through the opportunity search with startAfter / startAfterId', async () => {
    for (const id of ['o1', 'o2', 'o3']) fake.addOpportunity({ id });
    const api = client();
    const first = await api.searchOpportunities();
    expect(first.opportunities.map((o) => o.id)).toEqual(['o3', 'o2']);
    expect(first.next).toEqual({ startAfter: expect.any(String), startAfterId: 'o2' });
    const second = await api.searchOpportunities(first.next);
    expect(second.opportunities.map((o) => o.id)).toEqual(['o1']);
    expect(second.next).toBeUndefined();
    const asked = fake.requests().map((r) => r.query);
    expect(asked[0]).toMatchObject({ location_id: fake.locationId, status: 'all', limit: '100' });
    expect(asked[1]).toMatchObject({ startAfterId: 'o2' });
  });

  it('waits out a short Retry-After on 429 once; a longer one or a second 429 is thrown as retryable', async () => {
    fake.addOpportunity({ id: 'opp1' });
    fake.failNext(1, 429, { retryAfter: '0.1' });
    await expect(client().opportunity('opp1')).resolves.toMatchObject({ id: 'opp1' });
    fake.failNext(1, 429, { retryAfter: '60' });
    const error = await client()
      .opportunity('opp1')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GoHighLevelApiError);
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 60_000 });
  });

  it('throws non-retryable on 401 (never naming the token) and retryable on 5xx', async () => {
    const error = (await client({ token: 'wrong-token-value' })
      .contact('c1')
      .catch((e: unknown) => e)) as GoHighLevelApiError;
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect(error.message).toBe('HighLevel GET /contacts/{id}: HTTP 401');
    fake.failNext(1, 503);
    await expect(client().contact('c1')).rejects.toMatchObject({ status: 503, retryable: true });
  });

  it('sweeps: the status and stage changes since the cursor, keyed as a webhook without webhookId', async () => {
    const since = new Date('2026-11-30T10:00:00Z');
    fake.addOpportunity({
      id: 'won1',
      contactId: 'c1',
      status: 'won',
      monetaryValue: 900,
      lastStatusChangeAt: '2026-11-30T10:30:00.000Z',
      lastStageChangeAt: '2026-11-01T00:00:00.000Z',
      updatedAt: '2026-11-30T10:30:00.000Z',
    });
    fake.addOpportunity({ id: 'old', status: 'won', lastStatusChangeAt: '2026-10-01T00:00:00.000Z' });
    fake.addOpportunity({ id: 'open', status: 'open', lastStatusChangeAt: '2026-09-01T00:00:00.000Z' });
    const source = new GoHighLevelReconcileSource(client(), () => new Date('2026-11-30T11:00:00Z'));
    const first = await source.page('opportunity', since);
    expect(first.cursor).toBeUndefined();
    const last = await source.page('opportunity', since, first.next);
    expect(last.next).toBeUndefined();
    expect(last.cursor).toEqual(new Date('2026-11-30T11:00:00Z'));
    const changes = [...first.changes, ...last.changes];
    expect(changes).toEqual([
      expect.objectContaining({
        provider: 'gohighlevel',
        tenant: fake.locationId,
        objectType: 'opportunity',
        objectId: 'won1',
        stageField: 'status',
        stage: 'won',
        won: true,
        value: 900,
        occurredAt: '2026-11-30T10:30:00.000Z',
        // The key of the same change's webhook, when it comes without a webhookId.
        dedupeKey: parseGoHighLevelDelivery({
          type: 'OpportunityStatusUpdate',
          locationId: fake.locationId,
          id: 'won1',
          status: 'won',
          lastStatusChangeAt: '2026-11-30T10:30:00.000Z',
        }).changes[0].dedupeKey,
        hints: expect.objectContaining({
          crmRecords: [
            { objectType: 'opportunity', id: 'won1' },
            { objectType: 'contact', id: 'c1' },
          ],
        }),
      }),
    ]);
  });
});
