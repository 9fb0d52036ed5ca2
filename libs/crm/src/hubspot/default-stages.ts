// Built-in HubSpot stage → Meta event mapping (SPEC "Stage mapping"). Data only: STAGE_MAP_FILE overrides
// any entry per pipeline, and may map a stage to null ("do not send"). No pipeline = any pipeline.
import { stageDefaults } from '../stage-rule';

export const HUBSPOT_DEFAULT_STAGES = stageDefaults([
  { objectType: 'deal', stageField: 'dealstage', stage: 'closedwon', eventName: 'DealWon' },
  { objectType: 'deal', stageField: 'dealstage', stage: 'qualifiedtobuy', eventName: 'QualifiedLead' },
  {
    objectType: 'contact',
    stageField: 'lifecyclestage',
    stage: 'salesqualifiedlead',
    eventName: 'QualifiedLead',
  },
]);
