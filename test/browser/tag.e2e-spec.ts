// The first-party JS tag in real headless Chromium (Debian's chromium + playwright-core) against the real api:
// land from a Meta ad, navigate inside a single-page app, submit a captured form, then read the journey.
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import type { Browser } from 'playwright-core';
import { CHROMIUM_PATH, hasChromium, launchChromium } from '../support/browser';
import { json, Json, JourneyEnv, startJourneyEnv } from '../support/journey-env';

const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

const FBCLID = 'AbC-123_xYz';
const FBP = 'fb.1.1700000000000.1234567890';

function landingPage(apiUrl: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Shop</title>
<script>
  document.cookie = '_fbp=${FBP}; path=/; SameSite=Lax';
  window.fbq = function () {
    var calls = JSON.parse(sessionStorage.getItem('fbq') || '[]');
    calls.push(Array.prototype.slice.call(arguments));
    sessionStorage.setItem('fbq', JSON.stringify(calls));
  };
</script>
<script async src="${apiUrl}/v1/tag.js" data-site-key="test-site" data-consent-required="false"></script>
</head><body>
<form data-journey-form action="/thanks" method="get">
  <input name="email" type="email"><input name="first_name"><button type="submit">Send</button>
</form>
</body></html>`;
}

/** The site: serves the landing page (any path, as an SPA would) and records what the CRM form received. */
async function startSite(apiUrl: () => string) {
  const thanks: URLSearchParams[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://site');
    if (url.pathname === '/thanks') thanks.push(url.searchParams);
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(url.pathname === '/thanks' ? '<!doctype html><p>Thanks</p>' : landingPage(apiUrl()));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, thanks, close: () => new Promise((resolve) => server.close(resolve)) };
}

const describeWithChromium = hasChromium() ? describe : describe.skip;
if (!hasChromium()) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the browser tests: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium).`);
}

describeWithChromium('first-party JS tag in headless Chromium', () => {
  let t: JourneyEnv;
  let site: Awaited<ReturnType<typeof startSite>>;
  let browser: Browser;

  beforeAll(async () => {
    site = await startSite(() => t.api.url);
    t = await startJourneyEnv('browser-tag', { CORS_ORIGINS: site.origin });
    browser = (await launchChromium())!;
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await site?.close();
  });

  const journeyOf = async (externalId: string): Promise<Json> => {
    const response = await t.admin('GET', `/v1/journeys/${encodeURIComponent(externalId)}`);
    return response.status === 200 ? json(response) : {};
  };

  it('serves the tag cacheable, versioned and within 5 KB gzipped', async () => {
    const latest = await fetch(`${t.api.url}/v1/tag.js`);
    expect(latest.status).toBe(200);
    expect(latest.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(latest.headers.get('cache-control')).toBe('public, max-age=3600');
    expect(latest.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    const etag = latest.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const source = await latest.text();
    const gzipped = gzipSync(source, { level: 9 }).length;
    expect(gzipped).toBeLessThanOrEqual(5120);

    const revalidated = await fetch(`${t.api.url}/v1/tag.js`, { headers: { 'if-none-match': etag } });
    expect(revalidated.status).toBe(304);

    const version = /journey tag (\S+)/.exec(source)![1];
    const pinned = await fetch(`${t.api.url}/v1/tag/${version}.js`);
    expect(pinned.status).toBe(200);
    expect(pinned.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await pinned.text()).toBe(source);
    expect((await fetch(`${t.api.url}/v1/tag/0.0.0-nope.js`)).status).toBe(404);
  });

  it('records the landing, an SPA navigation and a captured form, with Pixel and server sharing the event id', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.goto(`${site.origin}/?fbclid=${FBCLID}&utm_source=facebook`);
      // Page code as strings: the tests compile without the DOM typings.
      await page.waitForFunction('window.journey && window.journey.version');
      await page.evaluate("history.pushState({}, '', '/pricing')");
      await page.fill('input[name=email]', '  Jane.Doe@Example.COM ');
      await page.fill('input[name=first_name]', 'Jane');
      await page.click('button[type=submit]');
      await page.waitForURL('**/thanks**');
      const fbqCalls = JSON.parse(
        (await page.evaluate<string | null>("sessionStorage.getItem('fbq')")) ?? '[]',
      );
      const cookies = Object.fromEntries((await context.cookies()).map((c) => [c.name, c]));

      // The CRM form carried the hidden inputs; the Pixel got the same event id.
      expect(site.thanks).toHaveLength(1);
      const externalId = site.thanks[0].get('external_id')!;
      const eventId = site.thanks[0].get('event_id')!;
      expect(externalId).toMatch(/^[0-9a-f-]{36}$/);
      expect(cookies._jsid.value).toBe(externalId);
      expect(cookies._jsid.sameSite).toBe('Lax');
      expect(cookies._jsid.expires * 1000 - Date.now()).toBeGreaterThan(364 * 86400e3);
      expect(cookies._fbc.value).toMatch(new RegExp(`^fb\\.1\\.\\d{13}\\.${FBCLID}$`));
      expect(fbqCalls).toEqual([['track', 'Lead', {}, { eventID: eventId }]]);

      // keepalive requests finish in the background: wait for the api to have them all.
      let view: Json = {};
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        view = await journeyOf(externalId);
        if (view.touchpoints?.length >= 2 && view.forms?.length >= 1 && view.identities?.length >= 2) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }

      expect(view.fbc).toBe(cookies._fbc.value);
      expect(view.fbc.split('.')[3]).toBe(FBCLID);
      expect(view.fbp).toBe(FBP);
      const [landing, navigation] = view.touchpoints;
      expect(landing).toMatchObject({
        event_name: 'PageView',
        url: `${site.origin}/?fbclid=${FBCLID}&utm_source=facebook`,
        utm_source: 'facebook',
        fbclid: FBCLID,
        fbc: cookies._fbc.value,
        fbp: FBP,
        consent: expect.objectContaining({ ad_storage: 'granted', ad_user_data: 'granted' }),
        properties: expect.objectContaining({ webdriver: true, site_key: 'test-site' }),
      });
      expect(navigation).toMatchObject({
        event_name: 'PageView',
        url: `${site.origin}/pricing`,
        referrer: `${site.origin}/?fbclid=${FBCLID}&utm_source=facebook`,
      });
      expect(view.first_touch.utm_source).toBe('facebook');
      const hashes = Object.fromEntries(view.identities.map((i: Json) => [i.key_type, i.hash]));
      expect(hashes.em).toBe(sha256Hex('jane.doe@example.com'));
      expect(hashes.fn).toBe(sha256Hex('jane'));
      expect(view.forms).toHaveLength(1);
      expect(view.forms[0]).toMatchObject({ event_name: 'Lead', event_id: eventId });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("sends the browser's locale and time zone, which make a national phone on a later form E.164", async () => {
    const context = await browser.newContext({ locale: 'en-GB', timezoneId: 'Europe/London' });
    const page = await context.newPage();
    try {
      await page.goto(`${site.origin}/landing-uk`);
      await page.waitForFunction('window.journey && window.journey.version');
      const externalId = await page.evaluate<string>('window.journey.externalId()');
      const waitFor = async (done: (view: Json) => boolean) => {
        const deadline = Date.now() + 15_000;
        let view: Json = {};
        while (Date.now() < deadline && !done(view)) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          view = await journeyOf(externalId);
        }
        return view;
      };
      await waitFor((view) => view.touchpoints?.length >= 1);
      const { rows } = await t.sql.query('SELECT country_hint FROM visitors WHERE external_id = $1', [
        externalId,
      ]);
      expect(rows[0].country_hint).toBe('gb');

      // A form with a national UK number and no country: the hint gives the region.
      await page.evaluate("window.journey.identify({ phone: '020 7946 0958' })");
      const view = await waitFor((v) => v.identities?.some((i: Json) => i.key_type === 'ph'));
      const phone = view.identities.find((i: Json) => i.key_type === 'ph');
      expect(phone.hash).toBe(sha256Hex('442079460958'));
    } finally {
      await context.close();
    }
  });
});
