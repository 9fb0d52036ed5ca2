// Every worker runs a reconciler (issue 16, replicas): two of them may find the same lost dispatch job in one
// moment. Found reviewing the replicas drills: both handed its rows to a job of their own, and two live jobs
// for one event can send it twice (each worker's dispatcher reads it `queued`). Now only rows still on the
// lost job move. A row lock makes the race certain: both reconcilers read the row, then wait to hand it on.
import { Client } from 'pg';
import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';
import { deliveryBody, landWithDeals, post, sleep } from '../faults/support';

describe('two workers reconciling the same lost dispatch job', () => {
  let t: PipelineEnv;
  beforeAll(async () => {
    t = await startPipelineEnv('reconciler-replicas', { RECONCILE_AFTER_MS: '1000' }, { workers: 2 });
  });
  afterAll(() => t?.close());

  /** Sessions of this database waiting on a lock in an UPDATE that hands dispatches to a new job. */
  const waitingToReassign = async () =>
    (
      await t.sql.query(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database()
         AND wait_event_type = 'Lock' AND query LIKE 'UPDATE dispatches%SET job_id%'`,
      )
    ).rows[0].n as number;

  it('hands it to one new job, not one per worker', async () => {
    await landWithDeals(t, 'twice-reconciled', ['6001']);
    expect((await post(t, deliveryBody(['6001']))).status).toBe(200);
    const sent = await t.settled('6001', ['sent']);
    const { rows } = await t.sql.query(`SELECT id, event_id FROM dispatches WHERE lifecycle_event_id = $1`, [
      sent.id,
    ]);
    const [{ id, event_id: eventId }] = rows;
    const atGraph = () => t.graph.events().filter((event) => event.event_id === eventId).length;
    expect(atGraph()).toBe(1);

    const lock = new Client({ connectionString: t.db.url });
    await lock.connect();
    try {
      // As if Redis lost its job; then held, so that both reconcilers find it gone before either moves it.
      await t.sql.query(
        `UPDATE dispatches SET status = 'queued', job_id = 'a-lost-job', updated_at = now() - interval '10 seconds'
         WHERE id = $1`,
        [id],
      );
      await lock.query('BEGIN');
      await lock.query('SELECT 1 FROM dispatches WHERE id = $1 FOR UPDATE', [id]);
      const deadline = Date.now() + 10_000;
      while ((await waitingToReassign()) < 2 && Date.now() < deadline) await sleep(100);
      expect(await waitingToReassign()).toBe(2);
      await lock.query('COMMIT');
    } finally {
      await lock.end();
    }

    const settled = Date.now() + 10_000;
    while (atGraph() < 2 && Date.now() < settled) await sleep(100);
    await sleep(2000); // time for a second job, had there been one
    const requeued = t.workers
      .flatMap((worker) => [...worker.output().matchAll(/(\d+) dispatches re-queued/g)])
      .reduce((sum, match) => sum + Number(match[1]), 0);
    expect(requeued).toBe(1);
    // Sent once more (it had been sent before it was made to look lost), not once per worker.
    expect(atGraph()).toBe(2);
    expect((await t.sql.query(`SELECT status FROM dispatches WHERE id = $1`, [id])).rows[0].status).toBe(
      'sent',
    );
  });
});
