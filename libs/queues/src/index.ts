export * from './queue-names';
export * from './redis-connection';
export * from './redis.module';
export * from './unjoined-sweep';
