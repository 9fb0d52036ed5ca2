export * from './lifecycle-change';
