export * from './contact-keys';
export * from './normalize';
export * from './hash';
export { CA_PROVINCES, US_STATES, caProvinceCode, usStateCode } from './regions';
