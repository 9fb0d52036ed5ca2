import { Queue, Worker } from 'bullmq';
import { ADMIN_TOKEN, json, JourneyEnv, startJourneyEnv } from '../support/journey-env';

describe('queue dashboard (/admin/queues)', () => {
  let t: JourneyEnv;
  beforeAll(async () => {
    t = await startJourneyEnv('dashboard');
  });
  afterAll(() => t.close());

  const basic = (password: string) => `Basic ${Buffer.from(`admin:${password}`).toString('base64')}`;

  it.each(['/admin/queues', '/admin/queues/api/queues', '/admin/queues/api/queues?activeQueue=dispatch'])(
    'refuses %s without the admin token, and serves it with basic or bearer auth',
    async (path) => {
      const get = (authorization?: string) =>
        fetch(`${t.api.url}${path}`, { headers: authorization ? { authorization } : {} });
      const refused = await get();
      expect(refused.status).toBe(401);
      expect(refused.headers.get('www-authenticate')).toContain('Basic');
      expect((await get(basic('wrong-password'))).status).toBe(401);
      expect((await get(basic(ADMIN_TOKEN))).status).toBe(200);
      expect((await get(`Bearer ${ADMIN_TOKEN}`)).status).toBe(200);
    },
  );

  it('lists every queue and retries a failed job', async () => {
    const connection = { url: t.env.REDIS_URL };
    const queue = new Queue('dispatch', { connection, prefix: t.env.QUEUE_PREFIX });
    const worker = new Worker(
      'dispatch',
      async () => {
        throw new Error('Graph said no');
      },
      { connection, prefix: t.env.QUEUE_PREFIX },
    );
    try {
      const failed = new Promise((resolve) => worker.once('failed', resolve));
      await queue.add(
        'capi-event',
        { capiEventId: 'x', destination: '1' },
        { jobId: 'failing-job', attempts: 1 },
      );
      await failed;
      await worker.close();

      const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
      const listing = await json(
        await fetch(`${t.api.url}/admin/queues/api/queues?activeQueue=dispatch&status=failed`, {
          headers: auth,
        }),
      );
      expect(listing.queues.map((q: { name: string }) => q.name).sort()).toEqual([
        'dispatch',
        'dispatch-google',
        'dispatch-linkedin',
        'dispatch-tiktok',
        'lifecycle',
      ]);
      const dispatch = listing.queues.find((q: { name: string }) => q.name === 'dispatch');
      expect(dispatch.counts.failed).toBe(1);
      expect(dispatch.jobs[0]).toMatchObject({ id: 'failing-job', failedReason: 'Graph said no' });

      const retry = await fetch(`${t.api.url}/admin/queues/api/queues/dispatch/failing-job/retry`, {
        method: 'PUT',
        headers: auth,
      });
      expect(retry.status).toBe(204);
      expect(await (await queue.getJob('failing-job'))!.getState()).toBe('waiting');
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
