import { AppConfig } from './app-config';
import { hashTaggedPrefix, parseRedisClusterNodes } from './redis-environment';
import { problemsOf } from '../../../test/support/config-problems';

describe('REDIS_CLUSTER_NODES', () => {
  it('parses a comma list of host:port, hostnames and bracketed IPv6 included', () => {
    expect(parseRedisClusterNodes(' 10.0.0.1:7000, cache-1.example.com:6379 ,[::1]:7002,')).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'cache-1.example.com', port: 6379 },
      { host: '::1', port: 7002 },
    ]);
  });

  it.each(['10.0.0.1', '10.0.0.1:0', '10.0.0.1:65536', 'redis://10.0.0.1:7000', 'a b:7000', ' , '])(
    'refuses %j',
    (value) => expect(() => parseRedisClusterNodes(value)).toThrow(),
  );

  it('stops start-up naming the variable and the bad entry', () => {
    const problems = problemsOf({ REDIS_CLUSTER_NODES: '10.0.0.1:7000,10.0.0.2' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^REDIS_CLUSTER_NODES must be a comma list of host:port/);
    expect(problems[0]).toContain('"10.0.0.2" is not host:port');
  });

  it('is off by default: one server, prefixes unchanged', () => {
    const config = AppConfig.fromEnv({ QUEUE_PREFIX: 'journey' });
    expect(config.redisClusterNodes).toBeUndefined();
    expect(config.queuePrefix).toBe('journey');
    expect(config.keyPrefix).toBe('journey');
  });

  it('hash-tags the queue prefix on a cluster and keeps the limit keys out of the tag', () => {
    const config = AppConfig.fromEnv({ REDIS_CLUSTER_NODES: '127.0.0.1:7000', QUEUE_PREFIX: 'journey' });
    expect(config.redisClusterNodes).toEqual([{ host: '127.0.0.1', port: 7000 }]);
    expect(config.queuePrefix).toBe('{journey}');
    expect(config.keyPrefix).toBe('journey');
    expect(AppConfig.fromEnv({ REDIS_CLUSTER_NODES: '127.0.0.1:7000' }).queuePrefix).toBe('{bull}');
  });

  it('keeps a prefix that already has a hash tag, on a cluster or not', () => {
    expect(hashTaggedPrefix('journey')).toBe('{journey}');
    expect(hashTaggedPrefix('{journey}')).toBe('{journey}');
    expect(hashTaggedPrefix('app:{jobs}')).toBe('app:{jobs}');
    const cluster = AppConfig.fromEnv({ REDIS_CLUSTER_NODES: '127.0.0.1:7000', QUEUE_PREFIX: 'app:{jobs}' });
    expect(cluster.queuePrefix).toBe('app:{jobs}');
    expect(cluster.keyPrefix).toBe('app:jobs');
    expect(AppConfig.fromEnv({ QUEUE_PREFIX: '{journey}' }).queuePrefix).toBe('{journey}');
  });

  it('allows one hash tag in QUEUE_PREFIX, nothing else new', () => {
    expect(problemsOf({ QUEUE_PREFIX: '{a}{b}' })).toEqual([
      'QUEUE_PREFIX may hold letters, digits, _ : - and one {hash tag}',
    ]);
    expect(problemsOf({ QUEUE_PREFIX: '{}' })).toHaveLength(1);
    expect(problemsOf({ QUEUE_PREFIX: 'a b' })).toHaveLength(1);
    expect(problemsOf({ QUEUE_PREFIX: 'x'.repeat(65) })).toEqual([
      'QUEUE_PREFIX may be at most 64 characters',
    ]);
  });
});
