// Built-in HubSpot stage → Meta event mapping (SPEC "Stage mapping"). Data only: STAGE_MAP_FILE overrides
// any entry per pipeline, and may map a stage to null ("do not send"). No pipeline = any pipeline.
import type { CrmObjectType } from '../lifecycle-change';

export interface HubspotStageMapping {
  objectType: CrmObjectType;
  stageField: string;
  stage: string;
  eventName: string;
}

const DEFAULTS: HubspotStageMapping[] = [
  { objectType: 'deal', stageField: 'dealstage', stage: 'closedwon', eventName: 'DealWon' },
  { objectType: 'deal', stageField: 'dealstage', stage: 'qualifiedtobuy', eventName: 'QualifiedLead' },
  {
    objectType: 'contact',
    stageField: 'lifecyclestage',
    stage: 'salesqualifiedlead',
    eventName: 'QualifiedLead',
  },
];

export const HUBSPOT_DEFAULT_STAGES: readonly Readonly<HubspotStageMapping>[] = Object.freeze(
  DEFAULTS.map((mapping) => Object.freeze(mapping)),
);
