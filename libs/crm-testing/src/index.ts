// Builders of real-shaped CRM deliveries, signed or identified the way each CRM does it: for the specs,
// the end-to-end tests, the benchmark and `npm run webhook:test`. Never imported by the services.
export * from './gohighlevel/sign';
export * from './hubspot/sign';
export * from './salesforce/build-message';
export * from './salesforce/fixtures';
