export * from './logging.module';
export * from './metrics.service';
export * from './observability.module';
export * from './metrics-auth';
