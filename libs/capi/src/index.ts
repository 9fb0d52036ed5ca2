export * from './build-event';
export * from './capi-input';
export * from './event-id';
export * from './graph-client';
export * from './graph-errors';
export * from './linked-journeys';
export * from './split-batch';
export * from './event-value';
