#!/usr/bin/env node
// Applies prisma/migrations/<name>/migration.sql folders to DATABASE_URL without Prisma's native schema engine
// (it cannot be downloaded on our build machines). Bookkeeping is Prisma's own: the `_prisma_migrations` table,
// sha256 checksums and advisory lock key, so `prisma migrate deploy|status` interoperate where the engine exists.
// Each migration runs in its own transaction: a failure leaves neither its changes nor a row behind.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const { Client } = require('pg');

const DEFAULT_DATABASE_URL = 'postgresql://postgres:postgres@127.0.0.1:5432/journey';
const DEFAULT_MIGRATIONS_DIR = path.join(__dirname, '..', 'prisma', 'migrations');
const PRISMA_ADVISORY_LOCK_KEY = 72707369; // the key Prisma's schema engine locks on Postgres
const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

const sha256 = (text) => crypto.createHash('sha256').update(text, 'utf8').digest();

/** Migration folders (those holding a migration.sql), in name order, with Prisma's checksum of the script. */
function readMigrations(migrationsDir) {
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter(
      (entry) => entry.isDirectory() && fs.existsSync(path.join(migrationsDir, entry.name, 'migration.sql')),
    )
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: sha256(sql).toString('hex') };
    });
}

/** Prisma's own comparison: tolerant of LF/CRLF checkouts and of old checksums written without zero-padding. */
function checksumMatches(sql, recorded) {
  const variants = [sql, sql.replace(/\r\n/g, '\n'), sql.replace(/\n/g, '\r\n')].map(sha256);
  return variants.some((digest) =>
    recorded.length === 64
      ? digest.toString('hex') === recorded
      : Array.from(digest, (byte) => byte.toString(16)).join('') === recorded,
  );
}

/** Creates the target database through the server's `postgres` database unless it exists. */
async function ensureDatabase(databaseUrl, log) {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  if (!name) throw new Error(`DATABASE_URL names no database: ${url.origin}`);
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    try {
      await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
      log(`Created database ${name}`);
    } catch (error) {
      // Another process created it between our check and our CREATE: duplicate_database or unique_violation.
      if (error.code !== '42P04' && error.code !== '23505') throw error;
    }
  } finally {
    await admin.end();
  }
}

/**
 * Applies pending migrations and returns their names (empty when the database is up to date).
 * @param {{ databaseUrl?: string, migrationsDir?: string, log?: (line: string) => void }} [options]
 * @returns {Promise<string[]>}
 */
async function migrate({
  databaseUrl = DEFAULT_DATABASE_URL,
  migrationsDir = DEFAULT_MIGRATIONS_DIR,
  log = () => {},
} = {}) {
  const migrations = readMigrations(migrationsDir);
  await ensureDatabase(databaseUrl, log);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    await client.query(MIGRATIONS_TABLE_DDL);
    const { rows } = await client.query(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"
       WHERE rolled_back_at IS NULL ORDER BY started_at`,
    );
    const failed = rows.filter((row) => row.finished_at === null);
    if (failed.length) {
      throw new Error(
        `migration ${failed.map((row) => row.migration_name).join(', ')} failed in an earlier attempt and is still ` +
          'recorded as started. Fix the database by hand, then delete or mark that _prisma_migrations row rolled back ' +
          '(`prisma migrate resolve --rolled-back <name>` where the Prisma engine is available).',
      );
    }
    const applied = new Map(rows.map((row) => [row.migration_name, row.checksum]));
    for (const migration of migrations) {
      const checksum = applied.get(migration.name);
      if (checksum !== undefined && !checksumMatches(migration.sql, checksum)) {
        throw new Error(
          `migration ${migration.name} was modified after it was applied ` +
            `(database checksum ${checksum}, file ${migration.checksum}). Never edit an applied migration: add a new one.`,
        );
      }
    }
    const pending = migrations.filter((migration) => !applied.has(migration.name));
    for (const migration of pending) {
      try {
        await client.query('BEGIN');
        await client.query(migration.sql);
        await client.query(
          `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
           VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
          [crypto.randomUUID(), migration.checksum, migration.name],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw new Error(`migration ${migration.name} failed and was rolled back: ${error.message}`, {
          cause: error,
        });
      }
      log(`Applied migration ${migration.name}`);
    }
    const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
    log(
      pending.length
        ? `${pending.length} migration(s) applied to ${database}; ${migrations.length} in total.`
        : `No pending migrations: ${database} is up to date (${migrations.length} applied).`,
    );
    return pending.map((migration) => migration.name);
  } finally {
    // Ending the session releases the advisory lock too.
    await client.end();
  }
}

module.exports = { migrate, readMigrations };

if (require.main === module) {
  migrate({
    databaseUrl: process.env.DATABASE_URL || DEFAULT_DATABASE_URL,
    log: (line) => console.log(line),
  }).catch((error) => {
    console.error(`db:migrate: ${error.message}`);
    process.exit(1);
  });
}
