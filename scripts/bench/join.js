#!/usr/bin/env node
// Join-lookup bench (part of `npm run bench`): loads N visitors, 10·N touchpoints, HubSpot links and hashed
// identities with COPY, then times the worker's join lookups through the built LifecycleJoinRepository (so the
// SQL measured is the SQL shipped) against a primary-key read of `visitors` on the same data and connection.
// Run by `npm run bench` (`-- --only join --join-visitors 100000 --join-lookups 20000`).
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { Client, Pool, Query } = require('pg');

const TABLES = ['visitors', 'touchpoints', 'crm_links', 'identities', 'visitor_identities'];
const DAY = 86_400_000;
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0',
];
const BOT_UA = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const PAGES = ['', 'pricing', 'demo', 'blog/lead-scoring', 'case-studies', 'contact', 'features/crm-sync'];
const NAMES = ['anna', 'ben', 'chloe', 'david', 'emma', 'felix', 'grace', 'hugo', 'ines', 'jack'];
const DOMAINS = ['gmail.com', 'outlook.com', 'yahoo.com', 'acme-corp.com'];
const GRANTED = '{"ad_storage": "granted", "ad_user_data": "granted", "ad_personalization": "granted"}';
const DENIED = '{"ad_storage": "denied", "ad_user_data": "denied", "ad_personalization": "denied"}';
const N = '\\N'; // COPY's NULL; the generated values hold no tab, newline or backslash to escape

const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');
const uuidOf = (hex) => `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`; // prettier-ignore
const line = (...fields) => `${fields.map((field) => field ?? N).join('\t')}\n`; // for the narrow tables
const days = new Map(); // toISOString costs ~1.3 µs and a touchpoint row needs three: cache the date part
const pad = (value, width = 2) => String(value).padStart(width, '0');
function iso(at) {
  const [ms, day] = [Math.round(at), Math.floor(Math.round(at) / DAY)];
  if (!days.has(day)) days.set(day, new Date(day * DAY).toISOString().slice(0, 11));
  const t = ms - day * DAY;
  return `${days.get(day)}${pad((t / 3_600_000) | 0)}:${pad(((t / 60_000) | 0) % 60)}:${pad(((t / 1000) | 0) % 60)}.${pad(t % 1000, 3)}Z`; // prettier-ignore
}

/** Per-visitor facts in typed arrays (~50 MB at 1M), so every table's rows and the lookup keys agree. */
function population(n, perVisitor) {
  const [now, first, gap] = [Date.now(), new Float64Array(n), new Float64Array(n)];
  const channel = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    first[i] = now - 90 * DAY + Math.random() * 89 * DAY; // first seen spread over 90 days
    gap[i] = Math.random() * Math.min(2 * DAY, (now - first[i]) / Math.max(1, perVisitor - 1));
    channel[i] = Math.random() < 0.6 ? 0 : Math.random() < 0.5 ? 1 : 2; // first touch: fb ad, google ad, direct
  }
  const [ids, externalIds] = [crypto.randomBytes(16 * n), crypto.randomBytes(16 * n)];
  const pool = crypto.randomBytes(1 << 20).toString('base64url'); // click-id material, sliced per visitor
  const fbclid = (i) => `IwAR${pool.substr((i * 61) % (pool.length - 60), 56)}`;
  const email = (i) => `${NAMES[i % 10]}.${NAMES[((i / 10) % 10) | 0]}${i}@${DOMAINS[i % 4]}`;
  return {
    n,
    first,
    gap,
    channel,
    last: (i) => first[i] + (perVisitor - 1) * gap[i],
    id: (i) => uuidOf(ids.toString('hex', i * 16, i * 16 + 16)),
    externalId: (i) => uuidOf(externalIds.toString('hex', i * 16, i * 16 + 16)),
    fbclid,
    fbc: (i) => `fb.1.${Math.round(first[i])}.${fbclid(i)}`,
    fbp: (i) => `fb.1.${Math.round(first[i])}.${1_000_000_000 + i}`,
    gclid: (i) => `Cj0K${pool.substr((i * 67 + 7) % (pool.length - 60), 48)}`,
    ip: (i) => `${11 + (i % 180)}.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    bot: (i) => i % 50 === 7, // 2% crawlers
    ua: (i) => (i % 50 === 7 ? BOT_UA : UAS[i % UAS.length]),
    consent: (i) => (i % 10 === 0 ? N : i % 9 === 0 ? DENIED : GRANTED), // 10% sent none, ~10% denied
    dealId: (i) => String(10_000_000_000 + i),
    contactId: (i) => String(500_000_000 + 2 * i),
    // every 20th visitor is the previous one's second device: same email, so one hash links two visitors
    emailHash: (i) => sha256(email(i % 20 === 19 ? i - 1 : i)),
    phoneHash: (i) => (i % 2 === 0 ? sha256(`1555${String(i).padStart(7, '0')}`) : undefined),
  };
}

function touchpointRow(p, j) {
  // round k holds every visitor's k-th touch, so a journey's touches sit on pages far apart (as in a table
  // filled over 90 days), not side by side: that locality would flatter the journey fetch
  const [i, k] = [j % p.n, (j / p.n) | 0];
  const at = p.first[i] + k * p.gap[i];
  const kind = k === 0 ? p.channel[i] : Math.random() < 0.15 ? 3 : 2; // later: 15% newsletter, else direct
  const fbc = p.channel[i] === 0 ? `${p.fbc(i)}\t${iso(p.first[i])}` : `${N}\t${N}`; // the _fbc cookie stays
  // one template per row (no array join): generating 10M rows is where the load's node time goes
  let [utm, query, clicks] = [`${N}\t${N}\t${N}\t${N}`, '', `${N}\t${N}`];
  if (kind === 0) {
    [utm, clicks] = [`facebook\tpaid_social\tspring_${i % 40}\tad_${i % 300}`, `${p.fbclid(i)}\t${N}`];
    query = `?utm_source=facebook&utm_medium=paid_social&utm_campaign=spring_${i % 40}&fbclid=${p.fbclid(i)}`;
  } else if (kind === 1) {
    [utm, clicks] = [`google\tcpc\tsearch_${i % 25}\t${N}`, `${N}\t${p.gclid(i)}`];
    query = `?utm_source=google&utm_medium=cpc&utm_campaign=search_${i % 25}&gclid=${p.gclid(i)}`;
  } else if (kind === 3) {
    [utm, query] = [`newsletter\temail\tnurture_${k}\t${N}`, `?utm_source=newsletter&utm_medium=email`];
  }
  const page = `https://www.shop.test/${PAGES[(i + k) % PAGES.length]}${query}`;
  const referrer = kind === 2 && k % 3 === 1 ? 'https://www.google.com/' : N;
  return `${crypto.randomUUID()}\t${iso(at + 150)}\t${p.id(i)}\tPageView\t${crypto.randomUUID()}\t${iso(at)}\t\
browser\t${page}\t${referrer}\t${utm}\t${clicks}\t${kind !== 2}\t${fbc}\t${p.fbp(i)}\t${p.ip(i)}\t${p.ua(i)}\t\
${k === 0 ? p.consent(i) : N}\t${p.bot(i) ? 'true\tcrawler' : `false\t${N}`}\n`;
}

/** ~1 MB Buffers of COPY text, generated as consumed. Rows are written out one by one: appending them to a
 * 1 MB string kept ~80k string pieces alive and garbage collection ate the load. */
function* chunks(count, rows) {
  let [chunk, used] = [Buffer.allocUnsafe(1 << 20), 0];
  for (let i = 0; i < count; i++) {
    const row = rows(i);
    if (used + row.length > chunk.length) {
      yield chunk.subarray(0, used);
      [chunk, used] = [Buffer.allocUnsafe(Math.max(1 << 20, row.length)), 0];
    }
    used += chunk.write(row, used, 'latin1'); // ASCII only
  }
  if (used) yield chunk.subarray(0, used);
}

// pg-copy-streams is not installed; pg's Query already hands the server's CopyInResponse to this hook, which
// is all COPY FROM STDIN needs. Waits for socket drain so the generator never runs ahead of the server.
class CopyFrom extends Query {
  constructor(text, source, callback) {
    super({ text, callback });
    this.source = source;
  }
  handleError(error, connection) {
    this.failed = true; // the server refused the COPY (bad row, constraint): stop generating the rest
    super.handleError(error, connection);
  }
  handleCopyInResponse(connection) {
    (async () => {
      for (const chunk of this.source) {
        if (this.failed) return;
        connection.sendCopyFromChunk(chunk);
        if (connection.stream.writableNeedDrain)
          await new Promise((ok) => connection.stream.once('drain', ok));
      }
      connection.endCopyFrom();
    })().catch((error) => connection.sendCopyFail(String(error)));
  }
}
const copy = (client, sql, source) =>
  new Promise((ok, fail) =>
    client.query(new CopyFrom(sql, source, (e, r) => (e ? fail(e) : ok(r.rowCount)))),
  );

async function load(client, p, perVisitor, log) {
  const started = process.hrtime.bigint();
  const seconds = (since) => (Number(process.hrtime.bigint() - since) / 1e9).toFixed(1);
  const step = async (label, run) => {
    const [t, rows] = [process.hrtime.bigint(), await run()];
    log(`join: ${label}${typeof rows === 'number' ? ` ${rows} rows` : ''} (${seconds(t)} s)`);
  };
  await client.query(`SET maintenance_work_mem = '1GB'`);
  // Every index and FK makes COPY pay per row (10M random-uuid inserts into the touchpoints PK alone): drop
  // them and rebuild each from its own definition after, one sort per index. Re-adding a key or FK checks all
  // rows at once, so the data must still satisfy them. FKs pointing at these tables (a PK cannot go while
  // they stand) are dropped and restored the same way.
  const { rows: indexes } = await client.query(
    `SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = current_schema() AND tablename = ANY($1)
     AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', schemaname, indexname)::regclass)`,
    [TABLES],
  );
  const { rows: constraints } = await client.query(
    `SELECT conrelid::regclass AS tbl, conname, contype, pg_get_constraintdef(oid) AS def FROM pg_constraint
     WHERE contype IN ('p', 'u', 'f') AND (conrelid = ANY($1::regclass[]) OR confrelid = ANY($1::regclass[]))
       AND conparentid = 0 -- a partition's copy of its parent's constraint goes and comes back with it
     ORDER BY contype = 'f' DESC, conname`,
    [TABLES],
  );
  for (const c of constraints) await client.query(`ALTER TABLE ${c.tbl} DROP CONSTRAINT "${c.conname}"`);
  for (const index of indexes) await client.query(`DROP INDEX "${index.indexname}"`);

  const at = (i) => iso(p.last(i));
  const loads = [
    [`visitors (id, external_id, first_fbc, first_fbc_at, last_fbc, last_fbclid, first_fbp, first_ip,
      first_user_agent, last_ip, last_user_agent, consent, first_seen_at, last_seen_at, created_at, updated_at)`,
      p.n, (i, fb = p.channel[i] === 0, first = iso(p.first[i])) => line(p.id(i), p.externalId(i),
        fb ? p.fbc(i) : N, fb ? first : N, fb ? p.fbc(i) : N, fb ? p.fbclid(i) : N, p.fbp(i), p.ip(i), p.ua(i),
        p.ip(i), p.ua(i), p.consent(i), first, at(i), first, at(i))],
    [`touchpoints (id, received_at, visitor_id, event_name, event_id, occurred_at, source, url, referrer, utm_source,
      utm_medium, utm_campaign, utm_content, fbclid, gclid, has_campaign, fbc, fbc_created_at, fbp, ip, user_agent,
      consent, is_bot, bot_reason)`, p.n * perVisitor, (j) => touchpointRow(p, j)],
    // a deal per visitor, and its contact for half of them
    ['crm_links (id, visitor_id, provider, object_type, crm_id, created_at)', p.n, (i) =>
      line(crypto.randomUUID(), p.id(i), 'hubspot', 'deal', p.dealId(i), at(i)) +
      (i % 2 ? '' : line(crypto.randomUUID(), p.id(i), 'hubspot', 'contact', p.contactId(i), at(i)))],
    // an email hash per visitor (the 19th of 20 reuses the 18th's), a phone hash for half
    ['identities (id, key_type, hash)', p.n, (i, em = p.emailHash(i), ph = p.phoneHash(i)) =>
      (i % 20 === 19 ? '' : line(uuidOf(em), 'em', em)) + (ph ? line(uuidOf(ph), 'ph', ph) : '')],
    ['visitor_identities (visitor_id, identity_id, first_seen_at)', p.n, (i, ph = p.phoneHash(i)) =>
      line(p.id(i), uuidOf(p.emailHash(i)), at(i)) + (ph ? line(p.id(i), uuidOf(ph), at(i)) : '')],
  ]; // prettier-ignore
  // FREEZE (allowed after a TRUNCATE in the same transaction; no FK points at the tables any more) writes rows
  // already frozen and all-visible: no hint-bit rewrite on first read, no autovacuum pass during the timing
  for (const [target, count, row] of loads)
    await step(target.split(' ')[0], async () => {
      await client.query(`BEGIN; TRUNCATE ${target.split(' ')[0]}`);
      // Postgres refuses FREEZE on a partitioned table (touchpoints): COPY routes rows to partitions.
      const partitioned = target.startsWith('touchpoints');
      const copied = await copy(
        client,
        `COPY ${target} FROM STDIN${partitioned ? '' : ' WITH (FREEZE)'}`,
        chunks(count, row),
      );
      await client.query('COMMIT');
      return copied;
    });
  const restore = (c) => client.query(`ALTER TABLE ${c.tbl} ADD CONSTRAINT "${c.conname}" ${c.def}`);
  for (const c of constraints.filter((c) => c.contype !== 'f')) await step(c.conname, () => restore(c));
  // A partitioned table's index definition reads `ON ONLY` (the parent alone): rebuilt without it, so every
  // partition gets its index again.
  const rebuild = (index) => client.query(index.indexdef.replace(' ON ONLY ', ' ON '));
  for (const index of indexes) await step(index.indexname, () => rebuild(index));
  for (const c of constraints.filter((c) => c.contype === 'f')) await step(c.conname, () => restore(c));
  // CHECKPOINT writes the load's dirty pages now rather than during the timed lookups
  await step('vacuum analyze', () => client.query(`VACUUM (ANALYZE) ${TABLES}`));
  await step('checkpoint', () => client.query('CHECKPOINT'));
  return Number(seconds(started));
}

/**
 * Bytes on disk per row after the load (heap + TOAST, and each index, summed over touchpoints' partitions):
 * the figures docs/scaling.md sizes Postgres from.
 */
async function storageSizes(client, visitors, touchpoints) {
  const one = async (sql) => Number((await client.query(sql)).rows[0].bytes);
  const leaves = (rel) => `SELECT relid FROM pg_partition_tree('${rel}') WHERE isleaf`;
  const touchpointTable = await one(
    `SELECT sum(pg_table_size(relid)) AS bytes FROM (${leaves('touchpoints')}) t`,
  );
  const { rows: indexes } = await client.query(
    `SELECT c.relname AS name, (SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree(c.oid)) AS bytes
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'touchpoints'::regclass`,
  );
  const per = (bytes, rows) => Math.round(bytes / rows);
  return {
    touchpoint_row: per(touchpointTable, touchpoints),
    touchpoint_indexes: Object.fromEntries(
      indexes.map((index) => [index.name, per(Number(index.bytes), touchpoints)]),
    ),
    visitor_row: per(await one(`SELECT pg_table_size('visitors') AS bytes`), visitors),
    visitor_indexes: per(await one(`SELECT pg_indexes_size('visitors') AS bytes`), visitors),
  };
}

function percentiles(samples) {
  const sorted = Float64Array.from(samples).sort();
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { p50_ms: Math.round(at(0.5) / 1e4) / 100, p99_ms: Math.round(at(0.99) / 1e4) / 100 }; // ns -> ms
}

async function benchJoin({ databaseUrl, log, visitors = 1e6, touchpointsPerVisitor = 10, lookups = 2e4 }) {
  const built = (file) => path.join(__dirname, `../../dist/libs/db/src/${file}.js`);
  if (!fs.existsSync(built('lifecycle-join.repository'))) throw new Error('run `npm run build` first');
  // plain CommonJS; their Nest decorators need no container
  const { LifecycleJoinRepository } = require(built('lifecycle-join.repository'));
  const { LifecycleBatchRepository } = require(built('lifecycle-batch.repository'));
  const p = population(visitors, touchpointsPerVisitor);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  log(`join: loading ${visitors} visitors, ${visitors * touchpointsPerVisitor} touchpoints with COPY`);
  const loadS = await load(client, p, touchpointsPerVisitor, log);
  const sizes = await storageSizes(client, visitors, visitors * touchpointsPerVisitor).finally(() =>
    client.end(),
  );
  log(`join: storage per row (bytes): ${JSON.stringify(sizes)}`);
  log(`join: loaded in ${loadS} s; ${lookups} sequential lookups of each kind on one connection`);
  log(
    `join: load average ${os.loadavg()[0].toFixed(1)} on ${os.cpus().length} cores (a busy box inflates p99)`,
  );

  const pool = new Pool({ connectionString: databaseUrl, max: 1 });
  const repo = new LifecycleJoinRepository(pool);
  const batch = new LifecycleBatchRepository(pool);
  // per kind: the key (derived untimed, sha256 included) and the timed call; a miss means a broken bench
  const kinds = {
    baseline: [p.id, async (id) => (await pool.query('SELECT id FROM visitors WHERE id = $1', [id])).rows[0]],
    external_id: [p.externalId, (key) => repo.visitorByExternalId(key)],
    crm_id: [
      (i) => [{ object_type: 'deal', id: p.dealId(i) }],
      (rs) => repo.visitorByCrmRecords('hubspot', rs),
    ],
    email_hash: [(i) => [p.emailHash(i)], (key) => repo.visitorByHash('em', key)],
    // the worker's journey fetch (facts, hashes, first/last touch), here for one visitor at a time
    journey: [p.id, async (key) => (await batch.journeys([key]))[0]],
  };
  const samples = Object.fromEntries(Object.keys(kinds).map((kind) => [kind, []]));
  const warmUp = Math.min(1000, lookups);
  try {
    for (let round = 0; round < warmUp + lookups; round++)
      for (const [kind, [keyOf, lookup]] of Object.entries(kinds)) {
        const key = keyOf(Math.floor(Math.random() * visitors)); // a fresh random visitor per kind
        const t = process.hrtime.bigint();
        const found = await lookup(key);
        const elapsed = Number(process.hrtime.bigint() - t);
        if (!found) throw new Error(`join bench: ${kind} found nothing for an existing key`);
        if (round >= warmUp) samples[kind].push(elapsed);
      }
  } finally {
    await pool.end();
  }
  const { baseline, ...by } = Object.fromEntries(
    Object.entries(samples).map(([k, s]) => [k, percentiles(s)]),
  );
  const overall = percentiles([...samples.external_id, ...samples.crm_id, ...samples.email_hash]);
  for (const [kind, { p50_ms, p99_ms }] of Object.entries({ baseline, ...by, overall }))
    log(`join: ${kind.padEnd(12)} p50 ${p50_ms} ms, p99 ${p99_ms} ms`);
  return {
    visitors,
    touchpoints: visitors * touchpointsPerVisitor,
    load_s: loadS,
    ...overall,
    baseline_p50_ms: baseline.p50_ms,
    baseline_p99_ms: baseline.p99_ms,
    // baseline p99 / project p99: 1 = as fast as a bare PK read; 0.5 = twice as slow as that floor
    ratio: Math.round((baseline.p99_ms / overall.p99_ms) * 100) / 100,
    by,
    sizes,
  };
}

module.exports = { benchJoin };
