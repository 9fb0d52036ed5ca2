import { CRM_ADAPTERS } from './registry';
import type { StageRules } from './stage-rule';

/** SPEC's built-in stage mapping, per CRM (each adapter's defaults); STAGE_MAP_FILE rules take precedence. */
export const DEFAULT_STAGE_RULES: StageRules = Object.fromEntries(
  Object.values(CRM_ADAPTERS).map((adapter) => [adapter.id, [...adapter.defaultStages]]),
);
