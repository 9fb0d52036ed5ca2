import { stageDefaults } from '../stage-rule';

/**
 * Salesforce defaults (SPEC "Stage mapping"; crm-webhooks.md §3.7). Stage values are the picklist API
 * values of a default org; orgs rename them, so STAGE_MAP_FILE overrides any of these. A won record is
 * also caught by `won` (IsWon), whatever its stage is called: that fallback lives in the stage map.
 *
 * Lead `Closed - Converted` is included: it is the default converted status, and default orgs have no
 * `Qualified` status, so without it a default org never reports a qualified lead.
 */
export const SALESFORCE_DEFAULT_STAGES = stageDefaults([
  { objectType: 'opportunity', stageField: 'StageName', stage: 'Closed Won', eventName: 'DealWon' },
  { objectType: 'opportunity', stageField: 'StageName', stage: 'Qualification', eventName: 'QualifiedLead' },
  { objectType: 'lead', stageField: 'Status', stage: 'Qualified', eventName: 'QualifiedLead' },
  { objectType: 'lead', stageField: 'Status', stage: 'Closed - Converted', eventName: 'QualifiedLead' },
]);
