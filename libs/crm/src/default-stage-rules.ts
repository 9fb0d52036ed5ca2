import { HIGHLEVEL_DEFAULT_STAGES } from './gohighlevel';
import { HUBSPOT_DEFAULT_STAGES } from './hubspot';
import { SALESFORCE_DEFAULT_STAGES } from './salesforce';
import type { StageRules } from './stage-map';

/** SPEC's built-in stage mapping, per CRM; STAGE_MAP_FILE rules take precedence. */
export const DEFAULT_STAGE_RULES: StageRules = {
  hubspot: [...HUBSPOT_DEFAULT_STAGES],
  gohighlevel: [...HIGHLEVEL_DEFAULT_STAGES],
  salesforce: [...SALESFORCE_DEFAULT_STAGES],
};
