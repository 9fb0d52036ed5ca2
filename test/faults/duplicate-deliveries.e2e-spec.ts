// Drill 1: HubSpot delivers every batch three times (same body, re-signed each time, as its retries are).
import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';
import {
  chunks,
  dealIds,
  deliveryBody,
  deliveryReport,
  expectExactlyOnce,
  landWithDeals,
  post,
  waitAllSent,
  note,
} from './support';

describe('fault drill: every delivery sent three times', () => {
  let t: PipelineEnv;
  beforeAll(async () => {
    t = await startPipelineEnv('fault-triple');
  });
  afterAll(() => t?.close());

  it('turns 200 changes delivered three times each into exactly 200 events at Graph', async () => {
    const ids = dealIds(100_000, 200);
    await landWithDeals(t, 'triple-visitor', ids);
    const bodies = chunks(ids, 25).map((batch) => deliveryBody(batch));
    const statuses: number[] = [];
    // Round 1 in order, then rounds 2 and 3 concurrently (retries overlapping the originals' processing).
    for (const body of bodies) statuses.push((await post(t, body)).status);
    const again = await Promise.all([...bodies, ...bodies].map(async (body) => (await post(t, body)).status));
    statuses.push(...again);
    expect(statuses).toEqual(Array(bodies.length * 3).fill(200));

    await waitAllSent(t, ids, 45_000);
    // One more copy after everything was sent: still nothing new.
    expect((await post(t, bodies[0])).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    note('triple deliveries', await deliveryReport(t, ids));
    await expectExactlyOnce(t, ids);
  }, 80_000);
});
