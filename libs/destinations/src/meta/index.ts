export * from './build-event';
export * from './event-id';
export * from './graph-client';
export * from './graph-errors';
export * from './meta-destination';
