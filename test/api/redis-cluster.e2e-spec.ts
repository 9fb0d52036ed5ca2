// Issue 16: the api and the worker on a three-master Redis Cluster (REDIS_CLUSTER_NODES) started by this
// suite. The whole pipeline runs on it — rate-limited ingest, a HubSpot delivery sent once per change to the
// Graph fake, the worker's heartbeat, the dashboard and the console — with every queue key under one hash tag
// and the rate-limit keys spread over the masters; then the whole cluster is killed and restarted empty: the api
// keeps acknowledging (fail-fast clients) and every change is still sent once.
import { ADMIN_TOKEN, json, touchpointFromBrowser } from '../support/journey-env';
import { PipelineEnv, startPipelineEnv } from '../support/pipeline-env';
import { PrivateRedisCluster, startRedisCluster } from '../support/redis-cluster';
import { isCleanStop } from '../support/service-process';
import {
  dealIds,
  deliveryBody,
  expectExactlyOnce,
  landWithDeals,
  post,
  sleep,
  waitAllSent,
} from '../faults/support';

const PER_IP = 3;

describe('BullMQ and the app on Redis Cluster', () => {
  let cluster: PrivateRedisCluster;
  let t: PipelineEnv;
  beforeAll(async () => {
    cluster = await startRedisCluster();
    t = await startPipelineEnv('redis-cluster', {
      REDIS_CLUSTER_NODES: cluster.nodes,
      // Unreachable on purpose: with a cluster, REDIS_URL lends only credentials and TLS, never its host.
      REDIS_URL: 'redis://127.0.0.1:1',
      INGEST_RATE_PER_IP_PER_MINUTE: String(PER_IP),
    });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await cluster?.stop();
  });

  /** Every key of this suite's run on one master (its prefix, with or without the hash tag). */
  const keysOn = async (port: number) =>
    (await cluster.cli(port, '--scan', '--pattern', `*${t.env.QUEUE_PREFIX}*`)).split('\n').filter(Boolean);

  it('ingests touchpoints with the per-IP limit counted in the cluster', async () => {
    const fromBrowser = (ip: string, externalId: string) => touchpointFromBrowser(t.api.url, ip, externalId);
    const statuses: number[] = [];
    for (let i = 0; i < 2 * PER_IP; i++)
      statuses.push((await fromBrowser('198.51.100.7', `limited-${i}`)).status);
    expect(statuses).toEqual([...Array(PER_IP).fill(201), ...Array(PER_IP).fill(429)]);
    // More callers and visitors: their limit and cap keys hash by caller and visitor, over every master.
    for (let i = 0; i < 12; i++)
      expect((await fromBrowser(`198.51.100.${20 + i}`, `spread-${i}`)).status).toBe(201);
  });

  it('sends each closedwon change of a HubSpot delivery to the Graph fake exactly once', async () => {
    const ids = dealIds(710_000, 6);
    await landWithDeals(t, 'cluster-visitor', ids);
    expect((await post(t, deliveryBody(ids))).status).toBe(200);
    const tally = await waitAllSent(t, ids, 30_000);
    expect(tally.byStatus).toEqual({ sent: ids.length });
    await expectExactlyOnce(t, ids);
  }, 45_000);

  it("is ready: the worker's heartbeat is read from the cluster", async () => {
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await fetch(`${t.api.url}/health/ready`)).status;
      if (status !== 200) await sleep(200);
    }
    expect(status).toBe(200);
    const admin = { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } };
    const board = await fetch(`${t.api.url}/admin/queues/api/queues`, admin);
    expect(board.status).toBe(200);
    const lifecycle = ((await json(board)).queues as { name: string; counts: Record<string, number> }[]).find(
      (queue) => queue.name === 'lifecycle',
    );
    expect(lifecycle?.counts.completed).toBeGreaterThan(0);
    const health = await fetch(`${t.api.url}/admin/health`, admin);
    expect(health.status).toBe(200);
    expect(await health.text()).toContain('lifecycle');
  });

  it("keeps each queue's keys in one slot and spreads the rate-limit keys over the masters", async () => {
    const tag = `{${t.env.QUEUE_PREFIX}}`;
    const perNode = await Promise.all(cluster.ports.map(keysOn));
    const all = perNode.flat();
    const queueKeys = all.filter((key) => key.startsWith(`${tag}:`));
    expect(queueKeys).toEqual(
      expect.arrayContaining([`${tag}:lifecycle:id`, `${tag}:dispatch:id`, `${tag}:worker-beats`]),
    );
    // One slot for every BullMQ and heartbeat key: the one its hash tag names.
    const slot = await cluster.cli(cluster.ports[0], 'CLUSTER', 'KEYSLOT', tag);
    const slots = new Set(
      await Promise.all(queueKeys.map((key) => cluster.cli(cluster.ports[0], 'CLUSTER', 'KEYSLOT', key))),
    );
    expect([...slots]).toEqual([slot]);
    expect(perNode.filter((keys) => keys.some((key) => key.startsWith(`${tag}:`)))).toHaveLength(1);
    // The limits and caps live outside the tag (no braces around the prefix), one slot per caller or visitor.
    const limitKeys = all.filter((key) => key.startsWith(`${t.env.QUEUE_PREFIX}:`));
    expect(limitKeys.some((key) => key.includes(':throttle:'))).toBe(true);
    expect(limitKeys.some((key) => key.includes(':tpcap:'))).toBe(true);
    expect(perNode.filter((keys) => keys.length > 0).length).toBeGreaterThanOrEqual(2);
  });

  it('keeps acknowledging webhooks and ingest with the whole cluster down, and sends once it is back', async () => {
    // A healthy cluster was never reported down, not even while the clients first connected.
    expect(t.worker.output() + t.api.output()).not.toMatch(
      /Redis unavailable|CROSSSLOT|ClusterAllFailedError/,
    );
    await cluster.kill();
    const ids = dealIds(720_000, 3);
    const started = Date.now();
    await landWithDeals(t, 'outage-visitor', ids); // limits and the cap fail open
    expect((await post(t, deliveryBody(ids))).status).toBe(200);
    expect(Date.now() - started).toBeLessThan(3000);
    await cluster.restart(); // empty, as Redis without persistence comes back
    expect((await waitAllSent(t, ids, 30_000)).byStatus).toEqual({ sent: ids.length });
    await expectExactlyOnce(t, ids);
  }, 50_000);

  it('never ran a command across slots, and stops cleanly (shared cluster clients closed after the queues)', async () => {
    // -c: follow the slot's owner, wherever the tag landed.
    const beats = () => cluster.cli(cluster.ports[0], '-c', 'ZCARD', `{${t.env.QUEUE_PREFIX}}:worker-beats`);
    // After the restart the worker beats again as soon as its client is ready (else within 10 s).
    for (let i = 0; i < 60 && (await beats()) !== '1'; i++) await sleep(200);
    expect(await beats()).toBe('1');
    // A clean stop is what counts here, not its speed: once, on a loaded machine, the worker needed over 10 s
    // after the outage and the default 10 s SIGKILL failed the test.
    expect(isCleanStop(await t.worker.stop(30_000))).toBe(true);
    expect(isCleanStop(await t.api.stop(30_000))).toBe(true);
    // The worker removed its heartbeat on the way out (one MULTI in the tag's slot).
    expect(await beats()).toBe('0');
    expect(t.worker.output() + t.api.output()).not.toMatch(/CROSSSLOT/);
  }, 90_000);
});
