#!/usr/bin/env node
// Writes the SQL that takes a database from one Prisma schema to another, using Prisma's own schema
// engine compiled to WebAssembly (the native engine cannot be downloaded offline). Use it to draft a
// migration: node scripts/db-diff.js [--from <old schema file>] > prisma/migrations/<ts>_<name>/migration.sql
// Without --from it diffs from the schema committed at git HEAD. Needs a reachable Postgres (DATABASE_URL).
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const fromIndex = args.indexOf('--from');
const from =
  fromIndex >= 0
    ? fs.readFileSync(args[fromIndex + 1], 'utf8')
    : execFileSync('git', ['show', 'HEAD:prisma/schema.prisma'], { cwd: root, encoding: 'utf8' });
const to = fs.readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8');

async function main() {
  const dir = path.join(root, 'node_modules/@prisma/schema-engine-wasm');
  const runtime = await import(path.join(dir, 'schema_engine_bg.js'));
  const wasm = new WebAssembly.Module(fs.readFileSync(path.join(dir, 'schema_engine_bg.wasm')));
  const instance = new WebAssembly.Instance(wasm, { './schema_engine_bg.js': runtime });
  runtime.__wbg_set_wasm(instance.exports);
  instance.exports.__wbindgen_start();
  const { PrismaPg } = require('@prisma/adapter-pg');
  const { bindMigrationAwareSqlAdapterFactory } = require('@prisma/driver-adapter-utils');
  const url = process.env.DATABASE_URL ?? 'postgresql://postgres:postgres@127.0.0.1:5432/postgres';
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaPg({ connectionString: url }));
  const engine = await runtime.SchemaEngine.new({ datamodels: [['schema.prisma', to]] }, () => {}, adapter);
  const result = await engine.diff({
    from: from.trim()
      ? { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: from }] }
      : { tag: 'empty' },
    to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: to }] },
    script: true,
    exitCode: null,
    filters: { externalTables: [], externalEnums: [] },
  });
  process.stdout.write(result.stdout ?? '');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
