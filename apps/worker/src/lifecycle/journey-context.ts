import {
  chooseClickIds,
  mergeLinkedJourneys,
  type SeenClickId,
  knownMatchKeys,
  type ContactHashKey,
  type CoverageKey,
  type JourneyContext,
  type TouchSummary,
  type VisitorFacts,
} from '@app/destinations';
import type { AppConfig } from '@app/config';
import { crmDisplayName, crmLeadEventSource } from '@app/crm';
import type { JourneyRow } from '@app/db';

/** lead_event_source: the CRM's name as Meta's Conversion Leads set-up expects it (from its adapter). */
export const leadEventSource = crmLeadEventSource;

/** Where a CRM record's lead id came from, for the note when it is left out. */
export function leadIdSource(provider: string, config: Pick<AppConfig, 'hubspot' | 'salesforce'>): string {
  if (provider === 'hubspot') return `HubSpot property ${config.hubspot.leadIdProperty ?? ''}`.trim();
  if (provider === 'salesforce') return `Salesforce field ${config.salesforce.leadIdField ?? ''}`.trim();
  return crmDisplayName(provider);
}

/** What the event carries and which visitors and keys stand behind it. */
export interface LinkedJourneyContext {
  journey: JourneyContext;
  /** Visitor ids whose journeys contributed, the joined one first. */
  contributors: string[];
  /** The match keys those journeys knew (for the coverage gauges). */
  knownKeys: CoverageKey[];
}

/**
 * The journey as the event builder needs it: the joined visitor's row, merged with the rows of the linked
 * visitors allowed to contribute (libs/destinations's rules choose the click, keys and external_ids).
 */
export function journeyContext(
  row: JourneyRow,
  touches: { first?: Record<string, unknown>; last?: Record<string, unknown> },
  linked: JourneyRow[],
  occurredAt: Date,
): LinkedJourneyContext {
  const own = visitorFacts(row);
  const others = linked.map(visitorFacts);
  const merged = mergeLinkedJourneys(own, others, occurredAt);
  return {
    journey: {
      externalId: row.external_id,
      linkedExternalIds: merged.externalIds.slice(1),
      fbc: merged.fbc,
      fbp: own.fbp,
      ip: own.ip,
      userAgent: own.userAgent,
      hashes: merged.hashes,
      leadId: row.lead_id ?? undefined,
      clickIds: chooseClickIds(clicksOf(row), linked.map(clicksOf), occurredAt),
      consentMode: consentMode(row.consent),
      firstTouch: touches.first ? toSummary(touches.first) : undefined,
      lastTouch: touches.last ? toSummary(touches.last) : undefined,
    },
    contributors: merged.contributors,
    knownKeys: knownMatchKeys(own, others, occurredAt),
  };
}

function visitorFacts(row: JourneyRow): VisitorFacts {
  // Every identity row by key type (Meta's keys and em_google/ph_e164); each builder reads the keys it sends.
  const hashes: Partial<Record<ContactHashKey, string[]>> = {};
  for (const { key_type, hash } of row.hashes) (hashes[key_type as ContactHashKey] ??= []).push(hash);
  return {
    visitorId: row.visitor_id,
    externalId: row.external_id,
    fbc:
      row.first_fbc && row.first_fbc_at ? { value: row.first_fbc, createdAt: row.first_fbc_at } : undefined,
    fbp: row.first_fbp ?? undefined,
    ip: row.first_ip ?? undefined,
    userAgent: row.first_user_agent ?? undefined,
    hashes,
    lastSeenAt: row.last_seen_at,
  };
}

function clicksOf(row: JourneyRow): SeenClickId[] {
  return (row.click_ids ?? []).map((click) => ({
    type: click.type,
    value: click.value,
    clickedAt: new Date(click.at),
  }));
}

/** Google Consent Mode as the tag recorded it (granted / denied; anything else is unknown). */
function consentMode(consent: Record<string, string> | null): {
  adUserData?: boolean;
  adPersonalization?: boolean;
} {
  const flag = (value: string | undefined) =>
    value === 'granted' ? true : value === 'denied' ? false : undefined;
  const mode = {
    adUserData: flag(consent?.ad_user_data),
    adPersonalization: flag(consent?.ad_personalization),
  };
  return Object.fromEntries(Object.entries(mode).filter(([, value]) => value !== undefined));
}

function toSummary(row: Record<string, unknown>): TouchSummary {
  return { ...(row as Omit<TouchSummary, 'occurredAt'>), occurredAt: row.occurred_at as Date };
}
