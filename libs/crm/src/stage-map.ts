import { readFileSync } from 'node:fs';
import { DEFAULT_STAGE_RULES } from './default-stage-rules';
import {
  CRM_PROVIDERS,
  type CrmObjectType,
  type CrmProvider,
  type LifecycleChange,
} from './lifecycle-change';
import type { StageRule, StageRules } from './stage-rule';

const OBJECT_TYPES: CrmObjectType[] = ['contact', 'deal', 'lead', 'opportunity'];
const EVENT_NAME = /^[A-Za-z0-9_ .:-]{1,100}$/;

/** Stage values compare trimmed and case-insensitively: `Closed Won` and `closed won` are one stage. */
const norm = (value: string) => value.trim().toLowerCase();

/**
 * Resolves the Meta event for a stage change. Configured rules win over the built-in defaults, and a rule
 * for the change's pipeline wins over one for any pipeline. A record the CRM flags as won (Salesforce
 * IsWon, HighLevel status won) is a DealWon unless a rule says otherwise.
 */
export class StageMap {
  private constructor(
    private readonly overrides: StageRules,
    private readonly defaults: StageRules,
  ) {}

  static create(defaults: StageRules, overrides: StageRules = {}): StageMap {
    return new StageMap(overrides, defaults);
  }

  /** Every rule in force, the file's first (they win), for display. */
  rules(): { provider: string; source: 'file' | 'default'; rule: StageRule }[] {
    const listed = (rules: StageRules, source: 'file' | 'default') =>
      Object.entries(rules).flatMap(([provider, list]) =>
        (list ?? []).map((rule) => ({ provider, source, rule })),
      );
    return [...listed(this.overrides, 'file'), ...listed(this.defaults, 'default')];
  }

  eventFor(change: StageChange): string | null {
    for (const rules of [this.overrides[change.provider], this.defaults[change.provider]]) {
      const matching = (rules ?? []).filter(
        (rule) =>
          matchesStage(rule, change) && (rule.pipeline === undefined || rule.pipeline === change.pipeline),
      );
      const rule = matching.find((candidate) => candidate.pipeline !== undefined) ?? matching[0];
      if (rule) return rule.eventName;
    }
    return change.won ? 'DealWon' : null;
  }

  /**
   * True when the change names no pipeline but a rule for some pipeline would match its stage: what it maps
   * to is known only once the pipeline is (HubSpot subscription events carry none; the worker reads the deal).
   */
  needsPipeline(change: StageChange): boolean {
    if (change.pipeline !== undefined && change.pipeline !== null) return false;
    return [this.overrides[change.provider], this.defaults[change.provider]].some((rules) =>
      (rules ?? []).some((rule) => rule.pipeline !== undefined && matchesStage(rule, change)),
    );
  }
}

type StageChange = Pick<LifecycleChange, 'provider' | 'objectType' | 'stageField' | 'stage' | 'won'> & {
  pipeline?: string | null;
};

const matchesStage = (rule: StageRule, change: StageChange) =>
  rule.objectType === change.objectType &&
  norm(rule.stageField) === norm(change.stageField) &&
  norm(rule.stage) === norm(change.stage);

/**
 * Validates a STAGE_MAP_FILE document: `{ "<provider>": [ { objectType, stageField, stage, pipeline?, eventName } ] }`.
 * Throws one error listing every problem, each naming its path.
 */
export function parseStageRules(document: unknown): StageRules {
  const problems: string[] = [];
  const rules: StageRules = {};
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new Error(
      'STAGE_MAP_FILE must hold a JSON object keyed by provider (hubspot, gohighlevel, salesforce)',
    );
  }
  for (const [provider, list] of Object.entries(document)) {
    if (!CRM_PROVIDERS.includes(provider as CrmProvider)) {
      problems.push(`${provider}: unknown provider (use ${CRM_PROVIDERS.join(', ')})`);
      continue;
    }
    if (!Array.isArray(list)) {
      problems.push(`${provider}: must be a list of rules`);
      continue;
    }
    rules[provider as CrmProvider] = list.flatMap((rule: unknown, index) => {
      const at = `${provider}[${index}]`;
      const r = rule as Record<string, unknown>;
      const before = problems.length;
      if (typeof rule !== 'object' || rule === null) problems.push(`${at}: must be an object`);
      else {
        if (!OBJECT_TYPES.includes(r.objectType as CrmObjectType))
          problems.push(`${at}.objectType: one of ${OBJECT_TYPES.join(', ')}`);
        for (const key of ['stageField', 'stage'] as const) {
          if (typeof r[key] !== 'string' || !(r[key] as string).trim())
            problems.push(`${at}.${key}: a non-empty string`);
        }
        if (r.pipeline !== undefined && typeof r.pipeline !== 'string')
          problems.push(`${at}.pipeline: a string`);
        if (r.eventName !== null && !(typeof r.eventName === 'string' && EVENT_NAME.test(r.eventName))) {
          problems.push(`${at}.eventName: an event name (letters, digits, _ . : -) or null`);
        }
        const unknown = Object.keys(r).filter(
          (key) => !['objectType', 'stageField', 'stage', 'pipeline', 'eventName'].includes(key),
        );
        if (unknown.length) problems.push(`${at}: unknown keys ${unknown.join(', ')}`);
      }
      return problems.length === before ? [rule as StageRule] : [];
    });
  }
  if (problems.length) throw new Error(`STAGE_MAP_FILE is invalid:\n  - ${problems.join('\n  - ')}`);
  return rules;
}

/** The built-in defaults plus a STAGE_MAP_FILE, when given; throws naming every bad rule. */
export function loadStageMap(file?: string): StageMap {
  const overrides = file ? parseStageRules(JSON.parse(readFileSync(file, 'utf8'))) : {};
  return StageMap.create(DEFAULT_STAGE_RULES, overrides);
}
