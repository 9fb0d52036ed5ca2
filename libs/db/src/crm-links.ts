import type { Pool, PoolClient } from 'pg';

/** One CRM record tied to a visitor (a row of crm_links). */
export interface CrmLink {
  visitorId: string;
  provider: string;
  objectType: string;
  crmId: string;
}

/**
 * Remembers CRM records of visitors, so the next change for them joins directly: the one insert of crm_links,
 * used by forms (inside their transaction) and by the lifecycle join. Known links are left as they are.
 */
export async function linkCrmRecords(db: Pool | PoolClient, links: readonly CrmLink[]): Promise<void> {
  if (!links.length) return;
  await db.query(
    `INSERT INTO crm_links (id, visitor_id, provider, object_type, crm_id)
     SELECT gen_random_uuid(), r.visitor_id, r.provider, r.object_type, r.crm_id
     FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) AS r(visitor_id, provider, object_type, crm_id)
     ON CONFLICT (provider, object_type, crm_id, visitor_id) DO NOTHING`,
    [
      links.map((link) => link.visitorId),
      links.map((link) => link.provider),
      links.map((link) => link.objectType),
      links.map((link) => link.crmId),
    ],
  );
}
