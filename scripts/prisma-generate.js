#!/usr/bin/env node
// Generates the Prisma client. `prisma generate` never runs the native schema engine, but Prisma 7's CLI
// insists on finding one and tries to download it (impossible offline). Pointing
// PRISMA_SCHEMA_ENGINE_BINARY at any existing file satisfies the check; a real binary, if set, is kept.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = process.execPath;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const cli = path.join(__dirname, '..', 'node_modules', 'prisma', 'build', 'index.js');
const result = spawnSync(process.execPath, [cli, 'generate', '--schema', 'prisma/schema.prisma'], {
  cwd: path.join(__dirname, '..'),
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
