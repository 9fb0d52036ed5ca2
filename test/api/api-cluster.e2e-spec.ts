// API_PROCESSES=2: the api runs as a node:cluster of two processes sharing the port; /metrics, answered by
// either, counts the requests both served; a crashed process is replaced; SIGTERM stops them all cleanly.
import { get } from 'node:http';
import { JourneyEnv, startJourneyEnv } from '../support/journey-env';
import { isCleanStop } from '../support/service-process';

/** A GET on a connection of its own (no keep-alive), so the primary hands requests to both processes. */
const fetchFresh = (url: string): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });

const healthCount = (metrics: string): number =>
  Number(
    /^http_requests_total\{method="GET",route="\/health",status="200"\} (\d+)$/m.exec(metrics)?.[1] ?? 0,
  );

describe('api with API_PROCESSES=2', () => {
  let t: JourneyEnv;
  const listeningPids = (): number[] =>
    [...t.api.output().matchAll(/"pid":(\d+)[^\n]*"msg":"api listening on/g)].map((match) =>
      Number(match[1]),
    );

  async function waitForListening(count: number): Promise<number[]> {
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && listeningPids().length < count) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(listeningPids()).toHaveLength(count);
    return listeningPids();
  }

  beforeAll(async () => {
    t = await startJourneyEnv('api_cluster', { API_PROCESSES: '2', LOG_LEVEL: 'info' });
  });
  afterAll(() => t?.close());

  it('answers from two processes, and /metrics from either counts the requests both served', async () => {
    const pids = await waitForListening(2);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(t.api.child.pid);

    const before = healthCount((await fetchFresh(`${t.api.url}/metrics`)).body);
    const answers = await Promise.all(Array.from({ length: 20 }, () => fetchFresh(`${t.api.url}/health`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    for (let scrape = 0; scrape < 4; scrape++) {
      expect(healthCount((await fetchFresh(`${t.api.url}/metrics`)).body)).toBe(before + 20);
    }
  });

  it('replaces a crashed process; the total then lacks only the requests the crashed one had served', async () => {
    const [victim] = listeningPids();
    const total = healthCount((await fetchFresh(`${t.api.url}/metrics`)).body);
    process.kill(victim, 'SIGKILL');
    const pids = await waitForListening(3);
    expect(pids[2]).not.toBe(victim);

    expect((await fetchFresh(`${t.api.url}/health`)).status).toBe(200);
    const after = healthCount((await fetchFresh(`${t.api.url}/metrics`)).body);
    // Each process had served a share: the survivor's share (plus the request above) is left.
    expect(after).toBeGreaterThan(1);
    expect(after).toBeLessThan(total);
  });

  it('stops every process on SIGTERM and exits cleanly', async () => {
    const pids = listeningPids().slice(1);
    expect(isCleanStop(await t.api.stop())).toBe(true);
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
