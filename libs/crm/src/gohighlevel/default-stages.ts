// Built-in HighLevel stage → event mapping (SPEC "Stage mapping"). In HighLevel "won" is an opportunity
// status, not a stage; pipeline stage ids are per location and are mapped only by STAGE_MAP_FILE.
import type { CrmObjectType } from '../lifecycle-change';

export interface HighLevelStageDefault {
  objectType: CrmObjectType;
  stageField: string;
  stage: string;
  eventName: string;
}

export const HIGHLEVEL_DEFAULT_STAGES: readonly Readonly<HighLevelStageDefault>[] = Object.freeze([
  Object.freeze({
    objectType: 'opportunity',
    stageField: 'status',
    stage: 'won',
    eventName: 'DealWon',
  } as const),
]);
