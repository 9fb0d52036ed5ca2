// Drill 2: Graph answers 500s, then 429s, for a while, while a stream of deliveries arrives.
import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';
import {
  chunks,
  dealIds,
  deliveryBody,
  deliveryReport,
  deliverUntilAccepted,
  expectExactlyOnce,
  landWithDeals,
  sleep,
  waitAllSent,
  note,
} from './support';

describe('fault drill: Graph 500s then 429s during a stream', () => {
  let t: PipelineEnv;
  beforeAll(async () => {
    t = await startPipelineEnv('fault-graph');
  });
  afterAll(() => t?.close());

  it('sends 200 changes exactly once after a run of 500s and 429s', async () => {
    const ids = dealIds(200_000, 200);
    await landWithDeals(t, 'graph-visitor', ids);
    t.graph.failNext(4, '500');
    t.graph.failNext(4, '429');
    for (const batch of chunks(ids, 20)) {
      expect((await deliverUntilAccepted(t, deliveryBody(batch))).at(-1)).toBe(200);
      await sleep(200);
    }
    await waitAllSent(t, ids, 75_000);
    const report = await deliveryReport(t, ids);
    const failed = t.graph.requests().filter((request) => request.status >= 400);
    note('graph errors', { ...report, failedRequests: failed.length });
    expect(failed.length).toBe(8);
    await expectExactlyOnce(t, ids);
  }, 85_000);
});
