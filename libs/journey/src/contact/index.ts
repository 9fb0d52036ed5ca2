export * from './contact-keys';
export * from './normalize';
export * from './country-hint';
export * from './hash';
export * from './platform-keys';
export { CA_PROVINCES, US_STATES, caProvinceCode, usStateCode } from './regions';
