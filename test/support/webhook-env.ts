// One api per webhook suite, configured with test keys and secrets for every CRM and a small stage map.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toSalesforceId18 } from '@app/crm';
import { Json, JourneyEnv, startJourneyEnv } from './journey-env';

export const HUBSPOT_SECRET = 'hubspot-client-secret-for-tests';
export const WORKFLOW_SECRET = 'ghl-workflow-secret-for-tests';
export const ORG_ID = toSalesforceId18('00D5e000000AbCd')!;
/** Our own HighLevel key pairs: the api is configured with their public halves. */
export const ed25519 = generateKeyPairSync('ed25519');
export const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
export const pem = (key: { export(options: object): string | Buffer }, type: 'spki' | 'pkcs8') =>
  String(key.export({ type, format: 'pem' }));

export function writeStageMap(document: object): string {
  const file = join(mkdtempSync(join(tmpdir(), 'stage-map-')), 'stages.json');
  writeFileSync(file, JSON.stringify(document));
  return file;
}

export interface WebhookEnv extends JourneyEnv {
  /** The lifecycle events stored for a provider, oldest change first. */
  events(provider: string): Promise<Json[]>;
  post(path: string, body: string, headers: Record<string, string>): Promise<Response>;
}

export async function startWebhookEnv(
  label: string,
  extraEnv: Record<string, string> = {},
): Promise<WebhookEnv> {
  const t = await startJourneyEnv(label, {
    HUBSPOT_CLIENT_SECRET: HUBSPOT_SECRET,
    GHL_WEBHOOK_PUBLIC_KEY: pem(ed25519.publicKey, 'spki'),
    GHL_WEBHOOK_RSA_PUBLIC_KEY: pem(rsa.publicKey, 'spki'),
    GHL_WORKFLOW_SECRET: WORKFLOW_SECRET,
    SALESFORCE_ORG_IDS: ORG_ID,
    STAGE_MAP_FILE: writeStageMap({
      hubspot: [
        {
          objectType: 'deal',
          stageField: 'dealstage',
          stage: 'appointmentscheduled',
          eventName: 'Appointment',
        },
      ],
      gohighlevel: [
        {
          objectType: 'opportunity',
          stageField: 'pipelineStageId',
          stage: 'stage-qualified',
          eventName: 'QualifiedLead',
        },
      ],
    }),
    ...extraEnv,
  });
  return Object.assign(t, {
    events: async (provider: string) =>
      (
        await t.sql.query(
          `SELECT * FROM lifecycle_events WHERE provider = $1 ORDER BY occurred_at, object_id`,
          [provider],
        )
      ).rows as Json[],
    post: (path: string, body: string, headers: Record<string, string>) =>
      fetch(`${t.api.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      }),
  });
}
