#!/usr/bin/env node
// Runs the CRM reconciliation sweep once, for one CRM, from a given time, with the same environment as the
// worker (DATABASE_URL and the CRM's API credentials); what was found goes through the webhooks' store,
// then the worker's relay joins and sends it as usual.
//
//   npm run crm:backfill -- --crm <hubspot|gohighlevel|salesforce> --since <7d|ISO date>
//
// Needs `npm run build` first (it runs the compiled worker code in dist/).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const built = path.join(__dirname, '..', 'dist', 'apps', 'worker', 'src', 'backfill.js');
if (!fs.existsSync(built)) {
  process.stderr.write('Run `npm run build` first: this command runs the compiled worker code in dist/.\n');
  process.exit(2);
}
require(built)
  .main(process.argv.slice(2))
  .then((code) => process.exit(code))
  .catch((error) => {
    process.stderr.write(`${error?.stack ?? error}\n`);
    process.exit(1);
  });
