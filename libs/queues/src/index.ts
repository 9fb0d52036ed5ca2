export * from './crm-reconcile';
export * from './job-registry';
export * from './producers';
export * from './queue-names';
export * from './queues.module';
export * from './redis-connection';
export * from './redis.module';
export * from './unjoined-sweep';
