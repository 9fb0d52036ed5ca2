#!/usr/bin/env node
// The ingest baseline: a bare node:http + pg server doing one INSERT per request into a table shaped like
// touchpoints (same columns that matter for the write). No framework, no validation, no batching.
'use strict';
const http = require('node:http');
const { randomUUID } = require('node:crypto');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 20 });
const port = Number(process.env.PORT);

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', async () => {
    try {
      const data = JSON.parse(body);
      const id = randomUUID();
      await pool.query(
        `INSERT INTO bench_baseline_touchpoints (id, external_id, url, event_name, event_id, ip, user_agent, occurred_at)
         VALUES ($1, $2, $3, 'PageView', $4, $5, $6, now())`,
        [id, data.external_id, data.url, randomUUID(), data.ip ?? null, data.user_agent ?? null],
      );
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ touchpoint_id: id }));
    } catch (error) {
      res.writeHead(500);
      res.end(String(error.message));
    }
  });
});

pool
  .query(
    `CREATE TABLE IF NOT EXISTS bench_baseline_touchpoints (id uuid PRIMARY KEY, external_id varchar(128), url varchar(8192),
       event_name varchar(100), event_id varchar(128), ip inet, user_agent varchar(1024), occurred_at timestamptz(3))`,
  )
  .then(() => server.listen(port, '127.0.0.1', () => process.send?.('ready')));
