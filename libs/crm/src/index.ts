export * from './default-stage-rules';
export * from './gohighlevel';
export * from './hubspot';
export * from './lifecycle-change';
export * from './salesforce';
export * from './stage-map';
export * from './ttl-cache';
