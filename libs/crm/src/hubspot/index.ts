export * from './default-stages';
export * from './parse';
export * from './sign';
export * from './verify';
export * from './api-client';
export * from './deal';
