export * from './build-event';
export * from './client';
export * from './errors';
export * from './google-destination';
export * from './http';
export * from './oauth-token';
export * from './request-status';
