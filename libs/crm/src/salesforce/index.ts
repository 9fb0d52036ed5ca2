export * from './acknowledgement';
export * from './build-message';
export * from './default-stages';
export * from './namespaces';
export * from './org-id';
export * from './outbound-message';
