export * from './app-config';
export * from './config.module';
export * from './destination-environment';
export * from './integrations';
export * from './retention-environment';
export * from './crm-environment';
export * from './redis-environment';
