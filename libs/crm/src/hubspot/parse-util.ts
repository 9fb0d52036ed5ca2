// Small value readers shared by the two HubSpot body parsers. Error messages never echo values (PII).
import type { CrmObjectType } from '../lifecycle-change';

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A HubSpot numeric id (portal, object): a non-negative safe integer, or a string of digits. */
export function readId(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  if (typeof value === 'string' && /^\d{1,40}$/.test(value.trim())) return value.trim();
  return undefined;
}

/** Largest epoch ms a JS Date can hold. */
const MAX_DATE_MS = 8.64e15;

/** Epoch ms (number, or a string of digits) or an ISO-8601 string → epoch ms; undefined when unusable. */
export function readEpochMs(value: unknown): number | undefined {
  let ms: number | undefined;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string') {
    const s = value.trim();
    if (/^\d{1,16}$/.test(s)) ms = Number(s);
    else if (/^\d{4}-\d{2}-\d{2}/.test(s)) ms = Date.parse(s);
  }
  if (ms === undefined || !Number.isSafeInteger(ms) || ms <= 0 || ms > MAX_DATE_MS) return undefined;
  return ms;
}

export const isoFromMs = (ms: number): string => new Date(ms).toISOString();

/** HubSpot object type names and ids (`0-1` contact, `0-3` deal, `0-136` lead) → our object type. */
const OBJECT_TYPES: Readonly<Record<string, CrmObjectType>> = {
  '0-1': 'contact',
  contact: 'contact',
  contacts: 'contact',
  '0-3': 'deal',
  deal: 'deal',
  deals: 'deal',
  '0-136': 'lead',
  lead: 'lead',
  leads: 'lead',
};

export function objectTypeOf(value: unknown): CrmObjectType | undefined {
  return typeof value === 'string' ? OBJECT_TYPES[value.trim().toLowerCase()] : undefined;
}

/** The property that holds the stage, per object type. */
export const STAGE_FIELD: Readonly<Partial<Record<CrmObjectType, string>>> = {
  deal: 'dealstage',
  contact: 'lifecyclestage',
  lead: 'hs_pipeline_stage',
};
