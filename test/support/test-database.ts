// Throwaway Postgres databases for end-to-end tests: one per suite, migrated with scripts/db-migrate.js.
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export interface MigrateOptions {
  databaseUrl?: string;
  migrationsDir?: string;
  log?: (line: string) => void;
}
export type Migrate = (options?: MigrateOptions) => Promise<string[]>;

// Plain CommonJS script (runs without a build step), so it is required rather than imported.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { migrate } = require('../../scripts/db-migrate.js') as { migrate: Migrate };

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export function testServerUrl(database = 'postgres'): string {
  const url = new URL(process.env.TEST_DATABASE_BASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432');
  url.pathname = `/${database}`;
  return url.toString();
}

/** A database name no other test process will pick: journey_test_<label>_<pid>_<random>, at most 63 chars. */
export function uniqueDatabaseName(label: string): string {
  const safeLabel = label
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 24);
  return `journey_test_${safeLabel}_${process.pid}_${randomBytes(4).toString('hex')}`;
}

async function withServer<T>(run: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testServerUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** Drops a database even while connections to it are still open. */
export async function dropDatabase(name: string): Promise<void> {
  await withServer(async (client) => {
    await client.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  });
}

/** Creates a uniquely named database and applies every migration in prisma/migrations to it. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = uniqueDatabaseName(label);
  await withServer((client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  const url = testServerUrl(name);
  const drop = () => dropDatabase(name);
  try {
    await migrate({ databaseUrl: url });
  } catch (error) {
    await drop();
    throw error;
  }
  return { url, name, drop };
}
