export * from './build-event';
export * from './client';
export * from './errors';
export * from './tiktok-destination';
