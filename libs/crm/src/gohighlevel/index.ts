export * from './default-stages';
export * from './parse';
export { HIGHLEVEL_OPPORTUNITY_STATUSES, HIGHLEVEL_WORKFLOW_KEYS } from './parse-workflow';
export * from './sign';
export * from './verify';
