import { redisClusterOptions, redisConnectionOptions } from './redis-connection';

const URL = 'redis://127.0.0.1:6379/2';

describe('redisConnectionOptions', () => {
  it('gives ioredis clients the fail-fast options and a quick reconnect', () => {
    const { retryStrategy, ...options } = redisConnectionOptions(URL, 'client');
    expect(options).toEqual({
      url: URL,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      enableAutoPipelining: true,
    });
    expect([1, 5, 50].map((attempt) => retryStrategy!(attempt))).toEqual([200, 1000, 2000]);
  });

  it('gives producers that must not wait the fail-fast options, leaving reconnects to BullMQ', () => {
    expect(redisConnectionOptions(URL, 'producer')).toEqual({
      url: URL,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
  });

  it("leaves the worker's connections patient (BullMQ sets maxRetriesPerRequest null on its workers)", () => {
    expect(redisConnectionOptions(URL, 'worker')).toEqual({ url: URL });
  });
});

describe('redisClusterOptions', () => {
  const NODES = [
    { host: '10.0.0.1', port: 7000 },
    { host: '10.0.0.2', port: 7001 },
  ];

  it("puts each node's fail-fast options under redisOptions and the offline queue at the top", () => {
    const { nodes, options } = redisClusterOptions('redis://127.0.0.1:6379', NODES, 'client');
    expect(nodes).toEqual(NODES);
    const { clusterRetryStrategy, ...rest } = options;
    expect(rest).toEqual({
      enableOfflineQueue: false,
      enableAutoPipelining: true,
      redisOptions: { maxRetriesPerRequest: 1, connectTimeout: 2000 },
    });
    expect([1, 50].map((attempt) => clusterRetryStrategy!(attempt, undefined))).toEqual([200, 2000]);
  });

  it('keeps producers fail-fast and lets BullMQ workers wait (maxRetriesPerRequest null)', () => {
    expect(redisClusterOptions(URL, NODES, 'producer').options).toEqual({
      enableOfflineQueue: false,
      redisOptions: { maxRetriesPerRequest: 1 },
    });
    expect(redisClusterOptions(URL, NODES, 'worker').options).toEqual({
      redisOptions: { maxRetriesPerRequest: null },
    });
  });

  it('takes credentials and TLS from REDIS_URL, never its host or database', () => {
    const { options } = redisClusterOptions('rediss://app:s%40cret@ignored.example:6380/3', NODES, 'worker');
    expect(options.redisOptions).toEqual({
      username: 'app',
      password: 's@cret',
      tls: {},
      maxRetriesPerRequest: null,
    });
    // TLS certificates name the host given, not the IP it resolves to.
    const seen: string[] = [];
    options.dnsLookup!('node-1.cache.example', (_error, address) => seen.push(address));
    expect(seen).toEqual(['node-1.cache.example']);
  });
});
