import { generateKeyPairSync } from 'node:crypto';
import { signGoHighLevelEd25519, signGoHighLevelRsa } from '@app/crm-testing';
import { sha256Hex } from '@app/journey';
import { json, Json } from '../support/journey-env';
import { ed25519, pem, rsa, startWebhookEnv, WebhookEnv, WORKFLOW_SECRET } from '../support/webhook-env';

describe('HighLevel webhooks: verify, store, acknowledge', () => {
  let t: WebhookEnv;
  beforeAll(async () => {
    t = await startWebhookEnv('gohighlevel');
  });
  afterAll(() => t.close());
  const events = (provider: string) => t.events(provider);
  const post = (path: string, body: string, headers: Record<string, string>) => t.post(path, body, headers);

  describe('HighLevel', () => {
    const opportunity = (over: Json) => ({
      type: 'OpportunityStatusUpdate',
      locationId: 've9EPM428h8vShlRW1KT',
      id: 'opp-1',
      assignedTo: 'user-1',
      contactId: 'contact-1',
      monetaryValue: 2500,
      name: 'Kitchen remodel',
      pipelineId: 'pipe-1',
      pipelineStageId: 'stage-1',
      source: 'facebook',
      status: 'won',
      timestamp: new Date().toISOString(),
      webhookId: 'wh-1',
      ...over,
    });

    it('stores an Ed25519-signed OpportunityStatusUpdate won as DealWon with its value and contact', async () => {
      const body = JSON.stringify(opportunity({}));
      const response = await post('/webhooks/gohighlevel', body, {
        'x-ghl-signature': signGoHighLevelEd25519(body, pem(ed25519.privateKey, 'pkcs8')),
      });
      expect(response.status).toBe(200);
      const [event] = await events('gohighlevel');
      expect(event).toMatchObject({
        tenant: 've9EPM428h8vShlRW1KT',
        object_type: 'opportunity',
        object_id: 'opp-1',
        stage: 'won',
        won: true,
        event_name: 'DealWon',
        status: 'pending',
        value: '2500.00',
        hints: { crm_records: expect.arrayContaining([{ object_type: 'contact', id: 'contact-1' }]) },
      });
    });

    it('recognises a re-delivered webhookId', async () => {
      const body = JSON.stringify(opportunity({}));
      const response = await post('/webhooks/gohighlevel', body, {
        'x-ghl-signature': signGoHighLevelEd25519(body, pem(ed25519.privateKey, 'pkcs8')),
      });
      expect(await json(response)).toMatchObject({ stored: 0, duplicates: 1 });
      expect(await events('gohighlevel')).toHaveLength(1);
    });

    it('accepts the legacy RSA X-WH-Signature and maps a configured stage id', async () => {
      const body = JSON.stringify(
        opportunity({
          type: 'OpportunityStageUpdate',
          id: 'opp-2',
          status: 'open',
          pipelineStageId: 'stage-qualified',
          webhookId: 'wh-2',
        }),
      );
      const response = await post('/webhooks/gohighlevel', body, {
        'x-wh-signature': signGoHighLevelRsa(body, pem(rsa.privateKey, 'pkcs8')),
      });
      expect(response.status).toBe(200);
      expect((await events('gohighlevel')).find((event) => event.object_id === 'opp-2')).toMatchObject({
        stage_field: 'pipelineStageId',
        event_name: 'QualifiedLead',
      });
    });

    it('stores workflow webhooks carrying the shared secret, hashing contact data at once', async () => {
      const body = JSON.stringify({
        contact_id: 'contact-9',
        email: 'Workflow.Person@Example.com',
        phone: '+1 415 555 0100',
        location: { id: 've9EPM428h8vShlRW1KT' },
        customData: {
          journey_external_id: 'visitor-9',
          stage: 'won',
          opportunity_id: 'opp-9',
          value: '990',
          currency: 'usd',
          event_id: 'evt-9',
        },
      });
      const response = await post('/webhooks/gohighlevel', body, { 'x-journey-secret': WORKFLOW_SECRET });
      expect(response.status).toBe(200);
      const event = (await events('gohighlevel')).find((row) => row.object_id === 'opp-9');
      expect(event).toMatchObject({ event_name: 'DealWon', value: '990.00', currency: 'USD' });
      expect(event!.hints).toMatchObject({
        external_id: 'visitor-9',
        email_hashes: [sha256Hex('workflow.person@example.com')],
      });
      expect(JSON.stringify(event)).not.toContain('Workflow.Person');
    });

    it.each([
      [
        'a signature from another key',
        {
          'x-ghl-signature': signGoHighLevelEd25519(
            '{}',
            pem(generateKeyPairSync('ed25519').privateKey, 'pkcs8'),
          ),
        },
      ],
      ['a wrong workflow secret', { 'x-journey-secret': 'guess-guess-guess-guess' }],
      ['no signature', {}],
    ])('refuses %s with 401', async (_name, headers) => {
      const before = await t.count('webhook_deliveries');
      const response = await post(
        '/webhooks/gohighlevel',
        JSON.stringify(opportunity({ id: 'opp-x', webhookId: 'wh-x' })),
        headers,
      );
      expect(response.status).toBe(401);
      expect(await t.count('webhook_deliveries')).toBe(before);
    });
  });
});
