import type { CrmObjectType, CrmProvider } from './lifecycle-change';

/** One mapping: a stage value of a field on an object type (optionally in one pipeline) → a Meta event. */
export interface StageRule {
  objectType: CrmObjectType;
  stageField: string;
  stage: string;
  pipeline?: string;
  /** The event to send; null means "known, but never sent". */
  eventName: string | null;
}

export type StageRules = Partial<Record<CrmProvider, StageRule[]>>;

/**
 * One built-in mapping of a CRM (SPEC "Stage mapping"), shaped like a STAGE_MAP_FILE rule: for any
 * pipeline, and always naming an event. STAGE_MAP_FILE rules take precedence over every default.
 */
export type StageDefault = Readonly<Omit<StageRule, 'pipeline' | 'eventName'> & { eventName: string }>;

/** A CRM's defaults, frozen: shared by every StageMap, they must not change under it. */
export const stageDefaults = (defaults: StageDefault[]): readonly StageDefault[] =>
  Object.freeze(defaults.map((entry) => Object.freeze({ ...entry })));
