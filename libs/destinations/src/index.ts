export * from './conversion';
export * from './destination';
export * from './event-id';
export * from './event-value';
export * from './linked-journeys';
export * from './split-batch';
export * from './meta';
export * from './google';
