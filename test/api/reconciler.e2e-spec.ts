import { Queue } from 'bullmq';
import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';
import { startWorker } from '../support/service-process';

// Redis only carries work; Postgres records it. A job that vanished from Redis (restart without persistence,
// flush, failover) must be noticed and its row handed back, not left waiting forever.
describe('work whose Redis job vanished is found and finished', () => {
  let t: PipelineEnv;
  beforeAll(async () => {
    t = await startPipelineEnv('reconciler', { RECONCILE_AFTER_MS: '1000' });
    await t.landing('reconciled-visitor');
    await t.sql.query(
      `INSERT INTO crm_links (id, visitor_id, provider, object_type, crm_id)
       SELECT gen_random_uuid(), v.id, 'hubspot', 'deal', d FROM visitors v, unnest(ARRAY['5001', '5002', '5003']) d
       WHERE v.external_id = 'reconciled-visitor'`,
    );
  });
  afterAll(() => t?.close());

  it('re-pends a lifecycle event marked queued whose job is missing', async () => {
    await t.worker.stop();
    expect((await t.hubspotChange(5001, 'deal.propertyChange', 'dealstage', 'closedwon')).status).toBe(200);
    // As if the relay had queued it and Redis then lost the job.
    await t.sql.query(
      `UPDATE lifecycle_events SET enqueued_at = now() - interval '10 seconds', enqueue_count = 1 WHERE object_id = '5001'`,
    );
    t.worker = startWorker(t.env);
    expect(await t.settled('5001', ['sent'])).toMatchObject({ status: 'sent', enqueue_count: 2 });
  });

  it('re-dispatches a queued CAPI event whose dispatch job is missing', async () => {
    await t.hubspotChange(5002, 'deal.propertyChange', 'dealstage', 'closedwon');
    const sent = await t.settled('5002', ['sent']);
    const { rows } = await t.sql.query(`SELECT id FROM dispatches WHERE lifecycle_event_id = $1`, [sent.id]);
    // As if the event had been queued and its job lost: queued in Postgres, its job id unknown to Redis.
    await t.sql.query(
      `UPDATE dispatches SET status = 'queued', job_id = 'a-job-redis-lost', updated_at = now() - interval '10 seconds'
       WHERE id = $1`,
      [rows[0].id],
    );
    const deadline = Date.now() + 20_000;
    let status = 'queued';
    let jobId = '';
    while (status === 'queued' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      ({ status, job_id: jobId } = (
        await t.sql.query(`SELECT status, job_id FROM dispatches WHERE id = $1`, [rows[0].id])
      ).rows[0]);
    }
    expect(jobId).toMatch(new RegExp(`^${rows[0].id}-r\\d+$`)); // a new dispatch job took it
    expect(status).toBe('sent');
  });

  it('re-pends a pending lifecycle event whose job completed without it', async () => {
    // The relay added a job, lost its commit (a dropped connection), and on its next pass gave a larger batch
    // the same job id, which BullMQ ignored: the extra rows point at a job that completed without them.
    const queue = new Queue('lifecycle', {
      connection: { url: t.env.REDIS_URL },
      prefix: t.env.QUEUE_PREFIX,
    });
    try {
      const job = await queue.add('lifecycle-events', { lifecycleEventIds: [] }, { jobId: 'a-finished-job' });
      const deadline = Date.now() + 15_000;
      while ((await job.getState()) !== 'completed' && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(await job.getState()).toBe('completed');
    } finally {
      await queue.close();
    }
    await t.worker.stop();
    expect((await t.hubspotChange(5003, 'deal.propertyChange', 'dealstage', 'closedwon')).status).toBe(200);
    await t.sql.query(
      `UPDATE lifecycle_events SET enqueued_at = now() - interval '10 seconds', enqueue_count = 1,
         job_id = 'a-finished-job' WHERE object_id = '5003'`,
    );
    t.worker = startWorker(t.env);
    expect(await t.settled('5003', ['sent'])).toMatchObject({ status: 'sent', enqueue_count: 2 });
  });
});
