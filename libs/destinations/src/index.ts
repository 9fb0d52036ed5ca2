export * from './conversion';
export * from './destination';
export * from './event-value';
export * from './linked-journeys';
export * from './split-batch';
export * from './meta';
export * from './circuit-breaker';
export * from './click-ids';
