// Built-in HighLevel stage → event mapping (SPEC "Stage mapping"). In HighLevel "won" is an opportunity
// status, not a stage; pipeline stage ids are per location and are mapped only by STAGE_MAP_FILE.
import { stageDefaults } from '../stage-rule';

export const GOHIGHLEVEL_DEFAULT_STAGES = stageDefaults([
  { objectType: 'opportunity', stageField: 'status', stage: 'won', eventName: 'DealWon' },
]);
