// One isolated environment per test file: its own database, queue prefix and api process.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase } from './test-database';
import { ServiceProcess, startApi } from './service-process';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

/** A response body as loosely typed JSON (tests assert on its shape). */
export const json = async (response: Response): Promise<Json> => (await response.json()) as Json;

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const INGEST_API_KEY = 'test-ingest-key-0123456789';
export const BROWSER_ORIGIN = 'https://www.shop.test';

export interface JourneyEnv {
  db: TestDatabase;
  api: ServiceProcess;
  env: Record<string, string>;
  sql: Client;
  /** POST JSON to the api with the ingest key (server-to-server). */
  ingest(path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Authenticated admin GET/DELETE. */
  admin(method: 'GET' | 'DELETE', path: string): Promise<Response>;
  count(table: string): Promise<number>;
  close(): Promise<void>;
}

export async function startJourneyEnv(
  label: string,
  extraEnv: Record<string, string> = {},
): Promise<JourneyEnv> {
  const db = await createTestDatabase(label);
  const env = {
    DATABASE_URL: db.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: `test-${label}-${randomBytes(4).toString('hex')}`,
    ADMIN_TOKEN,
    INGEST_API_KEY,
    CORS_ORIGINS: BROWSER_ORIGIN,
    ...extraEnv,
  };
  const api = await startApi(env);
  const sql = new Client({ connectionString: db.url });
  await sql.connect();
  return {
    db,
    api,
    env,
    sql,
    ingest: (path, body, headers = {}) =>
      fetch(`${api.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': INGEST_API_KEY, ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    admin: (method, path) =>
      fetch(`${api.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }),
    count: async (table) => Number((await sql.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n),
    close: async () => {
      await sql.end();
      await api.stop();
      await db.drop();
    },
  };
}

/** A desktop Chrome user agent (isbot treats bare or unusual strings as bots). */
export const CHROME_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36';

/** A touchpoint as the browser tag sends it from `ip` (the api trusts X-Forwarded-For from loopback). */
export const touchpointFromBrowser = (apiUrl: string, ip: string, externalId: string) =>
  fetch(`${apiUrl}/v1/touchpoints`, {
    method: 'POST',
    headers: {
      'content-type': 'text/plain',
      origin: BROWSER_ORIGIN,
      'user-agent': CHROME_UA,
      'x-forwarded-for': ip,
    },
    body: JSON.stringify({ external_id: externalId, url: 'https://www.shop.test/' }),
  });
