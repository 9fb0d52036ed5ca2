import { redisConnectionOptions } from './redis-connection';

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
