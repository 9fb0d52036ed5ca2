import type { HashedKey, JourneyContext, TouchSummary } from '@app/capi';
import type { AppConfig } from '@app/config';
import type { JourneyRow } from '@app/db';

const CRM_NAMES: Record<string, string> = {
  hubspot: 'HubSpot',
  gohighlevel: 'GoHighLevel',
  salesforce: 'Salesforce',
};

/** lead_event_source: the CRM's name as Meta's Conversion Leads set-up expects it. */
export const leadEventSource = (provider: string) => CRM_NAMES[provider] ?? provider;

/** Where a CRM record's lead id came from, for the note when it is left out. */
export function leadIdSource(provider: string, config: Pick<AppConfig, 'hubspot' | 'salesforce'>): string {
  if (provider === 'hubspot') return `HubSpot property ${config.hubspot.leadIdProperty ?? ''}`.trim();
  if (provider === 'salesforce') return `Salesforce field ${config.salesforce.leadIdField ?? ''}`.trim();
  return leadEventSource(provider);
}

/** The journey as the event builder needs it, from the join's rows. */
export function journeyContext(
  row: JourneyRow,
  touches: { first?: Record<string, unknown>; last?: Record<string, unknown> },
): JourneyContext {
  const hashes: Partial<Record<HashedKey, string[]>> = {};
  for (const { key_type, hash } of row.hashes) (hashes[key_type as HashedKey] ??= []).push(hash);
  return {
    externalId: row.external_id,
    fbc:
      row.first_fbc && row.first_fbc_at ? { value: row.first_fbc, createdAt: row.first_fbc_at } : undefined,
    fbp: row.first_fbp ?? undefined,
    ip: row.first_ip ?? undefined,
    userAgent: row.first_user_agent ?? undefined,
    hashes,
    leadId: row.lead_id ?? undefined,
    firstTouch: touches.first ? toSummary(touches.first) : undefined,
    lastTouch: touches.last ? toSummary(touches.last) : undefined,
  };
}

function toSummary(row: Record<string, unknown>): TouchSummary {
  return { ...(row as Omit<TouchSummary, 'occurredAt'>), occurredAt: row.occurred_at as Date };
}
