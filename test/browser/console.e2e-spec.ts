import type { Browser, BrowserContext, Page } from 'playwright-core';
import { hasChromium, launchChromium } from '../support/browser';
import { ADMIN_TOKEN } from '../support/journey-env';
import { PIXEL_ID, PipelineEnv, startPipelineEnv } from '../support/pipeline-env';
import { beatAsWorker } from '../support/worker-beat';

const suite = hasChromium() ? describe : describe.skip;
const EMAIL = 'Ada.Console@Example.com';

/** The operator console in real Chromium: log in with basic auth, read each page, replay from a page. */
suite('operator console in a real browser', () => {
  let t: PipelineEnv;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let sentEventId: string;
  const shot = (name: string) =>
    page.screenshot({ path: `test-results/console-${name}.png`, fullPage: true }).catch(() => undefined);

  beforeAll(async () => {
    t = await startPipelineEnv('console-browser');
    // One journey that reaches "sent" (joined through HubSpot's API) and one change nobody can join.
    await t.landing('visitor-console', { email: EMAIL, phone: '+1 415 555 0142' });
    t.hubspot.addContact({ id: '701', externalId: 'visitor-console' });
    t.hubspot.addDeal({ id: '7001', contactIds: ['701'] });
    expect((await t.hubspotChange(7001, 'deal.propertyChange', 'dealstage', 'closedwon')).status).toBe(200);
    sentEventId = (await t.settled('7001')).event_id as string;
    expect((await t.hubspotChange(7002, 'deal.propertyChange', 'dealstage', 'closedwon')).status).toBe(200);
    expect(await t.settled('7002')).toMatchObject({ status: 'unjoined' });
    browser = (await launchChromium())!;
    context = await browser.newContext({ httpCredentials: { username: 'admin', password: ADMIN_TOKEN } });
    page = await context.newPage();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await t?.close();
  });

  it('is refused without logging in, and / links to the console once logged in', async () => {
    const anonymous = await browser.newContext();
    const refused = await anonymous.request.get(`${t.api.url}/admin`);
    expect(refused.status()).toBe(401);
    expect(refused.headers()['www-authenticate']).toContain('Basic');
    await anonymous.close();

    await page.goto(`${t.api.url}/admin`);
    await page.goto(`${t.api.url}/`);
    await page.locator('#console-link').click();
    await page.waitForURL(`${t.api.url}/admin`);
  });

  it('shows the funnel with the known counts, statuses and join methods', async () => {
    const response = await page.goto(`${t.api.url}/admin`);
    expect(response!.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
    const step = (name: string) => page.locator(`[data-step="${name}"]`).innerText();
    expect(await step('touchpoints')).toBe('1');
    expect(await step('forms')).toBe('1');
    expect(await step('webhooks received')).toBe('2');
    expect(await step('lifecycle changes')).toBe('2');
    expect(await step('mapped to an event')).toBe('2');
    expect(await step('joined to a journey')).toBe('1');
    expect(await step(`sent: meta ${PIXEL_ID}`)).toBe('1');
    await page.locator('#statuses').getByText('unjoined').waitFor();
    await page.locator('#join-methods').getByText('crm_api').waitFor();
    await page.locator('#coverage').getByText('DealWon').waitFor();
    expect(await page.locator('#sent-over-time svg rect.bar').count()).toBeGreaterThan(20);
    await shot('overview');
  });

  it('finds the journey by email and shows its timeline with the sent event, payload and trace id', async () => {
    await page.goto(`${t.api.url}/admin/journeys`);
    await page.fill('#q', `  ${EMAIL.toUpperCase()} `);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.locator('#results').getByText('em', { exact: true }).waitFor();
    await shot('search');
    await page.getByRole('link', { name: 'visitor-console' }).click();
    await page.waitForURL(/\/admin\/journeys\/visitor-console$/);
    const lifecycle = page.locator('#lifecycle');
    await lifecycle.getByText('DealWon').first().waitFor();
    await lifecycle.getByText('crm_api').first().waitFor();
    await lifecycle.locator('.dispatch[data-platform="meta"] .badge', { hasText: 'sent' }).waitFor();
    await lifecycle.getByText('payload').first().click();
    const payload = await lifecycle.locator('pre').first().innerText();
    expect(payload).toContain(sentEventId);
    expect(payload).toContain('"user_data"');
    expect(
      await lifecycle
        .getByText(/trace id/)
        .first()
        .innerText(),
    ).toMatch(/trace id \S+/);
    await page
      .locator('#touchpoints')
      .getByText('fbclid=IwAR-visitor-console-AbC', { exact: true })
      .waitFor();
    await page.locator('#forms').getByRole('cell', { name: 'em, ph', exact: true }).waitFor();
    // The email typed in is hashed, never shown or logged.
    expect(await page.content()).not.toContain(EMAIL.toLowerCase());
    expect(t.api.output().toLowerCase()).not.toContain(EMAIL.toLowerCase());
    await shot('journey');
  });

  it('lists the unjoined event with its reason, opens it and replays it', async () => {
    await page.goto(`${t.api.url}/admin/failures?status=unjoined`);
    const row = page.locator('#not-sent-events tbody tr').filter({ hasText: '7002' });
    await row.waitFor();
    await shot('failures');
    await row.getByRole('link', { name: 'DealWon' }).click();
    await page.waitForURL(/\/admin\/events\//);
    const reason = await page.locator('#event .reason').innerText();
    expect(reason).toMatch(/^Reason: .+/);
    await shot('event');
    await page.getByRole('button', { name: 'Replay' }).click();
    await page.locator('#replay-outcome').getByText('1 queued again').waitFor();
    await shot('replay');
    await t.settled('7002', ['unjoined']);
  });

  it('shows the set-up: CRMs with webhook URLs, destinations and the stage map, no secrets', async () => {
    await page.goto(`${t.api.url}/admin/setup`);
    await page.locator('#crms').getByText(`${t.api.url}/webhooks/hubspot`).waitFor();
    await page.locator('#stage-map').getByText('closedwon').first().waitFor();
    await page.locator('#destinations').getByText(PIXEL_ID).first().waitFor();
    const text = await page.content();
    for (const secret of ['EAAB-test-access-token', 'hubspot-client-secret-for-tests', ADMIN_TOKEN])
      expect(text).not.toContain(secret);
    await shot('setup');
  });

  it('sends a Meta test event from the set-up page: the recent event again, to Meta alone, with the code', async () => {
    await page.goto(`${t.api.url}/admin/setup`);
    await page.fill('input[aria-label="meta test event code"]', 'TEST4242');
    await page.getByRole('button', { name: 'Send a test event' }).click();
    await page.locator('#replay-outcome').getByText('1 queued again').waitFor();
    for (let tries = 0; tries < 100; tries++) {
      if (t.graph.requests().some((request) => JSON.stringify(request).includes('TEST4242'))) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const sent = t.graph.requests().filter((request) => JSON.stringify(request).includes('TEST4242'));
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0])).toContain(sentEventId);
    await shot('test-event');
  });

  it('logged at start-up which CRMs and destinations are on, without secrets', () => {
    const output = t.worker.output();
    expect(output).toContain(`destination meta: enabled (pixel ${PIXEL_ID}`);
    expect(output).toContain('CRM hubspot: webhooks on');
    expect(output).toContain('destination tiktok: disabled');
    expect(output).not.toContain('EAAB-test-access-token');
  });

  it('shows a paused destination with why, since when and how to lift it', async () => {
    await t.sql.query(
      `INSERT INTO destination_pauses (platform, destination, token_fingerprint, reason)
       VALUES ('meta', $1, repeat('0', 64), 'Graph 190: the access token has expired')`,
      [PIXEL_ID],
    );
    await page.goto(`${t.api.url}/admin/health`);
    const pause = page.locator('#destinations .pause');
    await pause.getByText('the access token has expired').waitFor();
    expect(await pause.innerText()).toMatch(/Paused since .+ new credentials/);
    await page
      .locator('#services')
      .getByText(/1 beating/)
      .waitFor();
    await page.locator('#queues').getByText('dispatch-linkedin').waitFor();
    await shot('health-paused');
  });

  it('shows the worker gone once stopped, then stale, and readiness degraded', async () => {
    await t.worker.stop();
    await page.goto(`${t.api.url}/admin/health`);
    await page.locator('#worker-alert').getByText('no worker heartbeat').waitFor();
    await page
      .locator('#services')
      .getByText(/degraded/)
      .waitFor();
    const ready = await fetch(`${t.api.url}/health/ready`);
    expect(ready.status).toBe(503);
    // A worker killed without a clean stop leaves its last beat behind, aging.
    await beatAsWorker(t.env, 45_000, 'killed-host:4242');
    await page.goto(`${t.api.url}/admin`);
    await page
      .locator('#worker-alert')
      .getByText(/stale: no worker has beaten for 4\d s/)
      .waitFor();
    await page.goto(`${t.api.url}/admin/health`);
    await page.getByRole('cell', { name: 'killed-host:4242', exact: true }).waitFor();
    await shot('health-stale');
  });
});
