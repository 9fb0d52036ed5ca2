export * from './app-config';
export * from './config.module';
export * from './destination-environment';
export * from './integrations';
