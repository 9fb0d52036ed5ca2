import { Queue, Worker } from 'bullmq';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium } from '../support/browser';
import { ADMIN_TOKEN, JourneyEnv, startJourneyEnv } from '../support/journey-env';

const suite = hasChromium() ? describe : describe.skip;

suite('queue dashboard in a real browser', () => {
  let t: JourneyEnv;
  let browser: Browser;
  let queue: Queue;
  beforeAll(async () => {
    t = await startJourneyEnv('dashboard-browser');
    browser = (await launchChromium())!;
    const connection = { url: t.env.REDIS_URL };
    queue = new Queue('dispatch', { connection, prefix: t.env.QUEUE_PREFIX });
    const worker = new Worker(
      'dispatch',
      async () => {
        throw new Error('Graph answered 500');
      },
      { connection, prefix: t.env.QUEUE_PREFIX },
    );
    const failed = new Promise((resolve) => worker.once('failed', resolve));
    await queue.add(
      'capi-event',
      { capiEventId: 'x', destination: '1' },
      { jobId: 'failed-dispatch', attempts: 1 },
    );
    await failed;
    await worker.close();
  });
  afterAll(async () => {
    await browser?.close();
    await queue?.obliterate({ force: true });
    await queue?.close();
    await t?.close();
  });

  it('is refused without logging in', async () => {
    // Chromium aborts a navigation that meets a login challenge it cannot answer, so ask through the
    // browser context's own request API instead.
    const context = await browser.newContext();
    const response = await context.request.get(`${t.api.url}/admin/queues`);
    expect(response.status()).toBe(401);
    expect(response.headers()['www-authenticate']).toContain('Basic');
    await context.close();
  });

  it('logs in, shows the queues and a failed job, and retries it', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: 'admin', password: ADMIN_TOKEN },
    });
    const page = await context.newPage();
    await page.goto(`${t.api.url}/admin/queues`);
    await page.getByText('lifecycle').first().waitFor();
    await page.getByText('dispatch').first().waitFor();

    await page.goto(`${t.api.url}/admin/queues/queue/dispatch?status=failed`);
    await page.getByText('Graph answered 500').first().waitFor();
    await page.getByRole('button', { name: /retry/i }).first().click();
    const confirm = page.getByRole('button', { name: /^(retry|confirm)$/i });
    if (await confirm.count())
      await confirm
        .last()
        .click()
        .catch(() => undefined);
    let state = 'failed';
    for (let tries = 0; tries < 100 && state === 'failed'; tries++) {
      state = (await (await queue.getJob('failed-dispatch'))?.getState()) ?? 'missing';
      if (state === 'failed') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(state).toBe('waiting');
    await page.screenshot({ path: 'test-results/dashboard.png' }).catch(() => undefined);
    await context.close();
  });
});
