// The pipeline benchmark's four destinations: a local fake per ad platform (Meta's Graph, Google's Data
// Manager, TikTok, LinkedIn), the worker env that turns every one of them on, waiting until each has every
// event, and what the database says about each platform's dispatches and requests.
'use strict';
const { startFakeGoogle } = require('./fake-google.js');
const { startFakeGraph } = require('./fake-graph.js');
const { startFakeLinkedIn } = require('./fake-linkedin.js');
const { startFakeTikTok } = require('./fake-tiktok.js');
const { stuckCounts } = require('./pipeline-report.js');
const { sleep } = require('./services.js');

/** Meta first: the pipeline's headline figures (and their README history) are Meta's. */
const PLATFORMS = ['meta', 'google', 'tiktok', 'linkedin'];
/** The click id each platform matches on besides hashed emails, as seeded on the landing URLs. */
const CLICK_IDS = { meta: 'fbclid', google: 'gclid', tiktok: 'ttclid', linkedin: 'li_fat_id' };

const META = { pixelId: '1234567890123', accessToken: 'EAAB-bench-access-token' };
const GOOGLE = { clientId: 'bench-client-id', customerId: '1234567890' };
const TIKTOK = { accessToken: 'bench-tiktok-access-token', pixelCode: 'CBENCHPIXEL0001' };
const LINKEDIN = { accessToken: 'bench-linkedin-access-token' };

/** Starts the four fakes; `env` is what api and worker need to send to those of `platforms`. */
async function startDestinations(platforms = PLATFORMS) {
  const fakes = {};
  const stop = () => Promise.all(Object.values(fakes).map((fake) => fake.stop()));
  try {
    fakes.meta = await startFakeGraph(META);
    fakes.google = await startFakeGoogle(GOOGLE);
    fakes.tiktok = await startFakeTikTok(TIKTOK);
    fakes.linkedin = await startFakeLinkedIn(LINKEDIN);
  } catch (error) {
    await stop();
    throw error;
  }
  const env = {};
  const envs = platformEnvs(fakes);
  for (const platform of platforms) Object.assign(env, envs[platform]);
  return { fakes, env, stop };
}

/** Per platform, the variables that switch it on (a platform without them is not configured). */
const platformEnvs = (fakes) => ({
  meta: { META_PIXEL_ID: META.pixelId, META_ACCESS_TOKEN: META.accessToken, META_GRAPH_URL: fakes.meta.url },
  google: {
    GOOGLE_OAUTH_CLIENT_ID: GOOGLE.clientId,
    GOOGLE_OAUTH_CLIENT_SECRET: 'bench-client-secret',
    GOOGLE_OAUTH_REFRESH_TOKEN: 'bench-refresh-token',
    GOOGLE_OAUTH_TOKEN_URL: `${fakes.google.url}/token`,
    GOOGLE_DATA_MANAGER_URL: fakes.google.url,
    GOOGLE_ADS_CUSTOMER_ID: GOOGLE.customerId,
    // The three stages the run sends are mapped on every platform that maps names, so each gets every event.
    GOOGLE_CONVERSION_ACTIONS: 'QualifiedLead=1111,DealWon=2222,Schedule=3333',
  },
  tiktok: {
    TIKTOK_ACCESS_TOKEN: TIKTOK.accessToken,
    TIKTOK_PIXEL_CODE: TIKTOK.pixelCode,
    TIKTOK_API_URL: fakes.tiktok.url,
  },
  linkedin: {
    LINKEDIN_ACCESS_TOKEN: LINKEDIN.accessToken,
    LINKEDIN_CONVERSION_RULES: 'QualifiedLead=104012,DealWon=104013,Schedule=104014',
    LINKEDIN_API_URL: fakes.linkedin.url,
  },
});

/**
 * Waits until the fake of every one of `platforms` has `expected` distinct events, failing early when none progresses for `stallMs`
 * or a service died; the error names each platform's count and the rows' statuses.
 */
async function waitForDestinations(fakes, platforms, expected, { services, sql, waitMs, stallMs }) {
  const deadline = Date.now() + waitMs;
  const counts = () => platforms.map((platform) => fakes[platform].distinct());
  let seen = '';
  let progressAt = Date.now();
  while (counts().some((count) => count < expected)) {
    for (const service of services) service.assertAlive();
    if (counts().join() !== seen) [seen, progressAt] = [counts().join(), Date.now()];
    if (Date.now() > deadline || Date.now() - progressAt > stallMs) {
      const got = platforms.map((platform, i) => `${platform} ${counts()[i]}`).join(', ');
      const stuck = JSON.stringify(await stuckCounts(sql));
      throw new Error(`not every event reached every platform (of ${expected}: ${got}); statuses: ${stuck}`);
    }
    await sleep(20);
  }
}

/**
 * Waits (at most `timeoutMs`) until no dispatch is still queued: a platform may have every event while some
 * rows wait for a retry that will send them again, and those duplicates belong to the run. Returns how many
 * are still queued.
 */
async function waitForSettled(sql, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await sql.query("SELECT count(*)::int AS n FROM dispatches WHERE status = 'queued'");
    if (rows[0].n === 0 || Date.now() > deadline) return rows[0].n;
    await sleep(100);
  }
}

/** `dispatches` statuses per platform over the whole run: { meta: { sent: n }, … }. */
async function dispatchStatuses(sql) {
  const { rows } = await sql.query(
    'SELECT platform, status, count(*)::int AS n FROM dispatches GROUP BY platform, status ORDER BY 1, 2',
  );
  const statuses = {};
  for (const { platform, status, n } of rows) (statuses[platform] ??= {})[status] = n;
  return statuses;
}

/** Per platform: requests recorded, events per request and the request's own duration (p50/p95, ms). */
async function requestFigures(sql) {
  const { rows } = await sql.query(
    `SELECT platform, count(*)::int AS requests, sum(event_count)::int AS events,
       percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50_ms,
       percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95_ms
     FROM destination_requests GROUP BY platform`,
  );
  return Object.fromEntries(
    rows.map((row) => [
      row.platform,
      {
        requests: row.requests,
        events_per_request: +(row.events / row.requests).toFixed(1),
        request_p50_ms: row.p50_ms,
        request_p95_ms: row.p95_ms,
      },
    ]),
  );
}

module.exports = {
  CLICK_IDS,
  PLATFORMS,
  dispatchStatuses,
  requestFigures,
  startDestinations,
  waitForDestinations,
  waitForSettled,
};
