import { sha256Hex } from '@app/journey';
import { Injectable } from '@nestjs/common';
import { Prisma } from './generated/prisma/client';
import { PrismaService } from './prisma.service';

export type ErasureOutcome = 'erased' | 'already_erased' | 'not_found';

/**
 * Right to be forgotten: the visitor, its touchpoints, forms, identity links and CRM links go; identities no
 * other visitor shares go; tombstones (hashes of the external_id and of its CRM ids) stay so later data for
 * them is dropped instead of re-creating the journey. Raw SQL: the JSONB surgery on stored payloads and request
 * bodies (jsonb_set, #-, jsonb_array_elements) has no Prisma equivalent.
 */
@Injectable()
export class ErasureRepository {
  constructor(private readonly prisma: PrismaService) {}

  async isErased(externalId: string): Promise<boolean> {
    const tombstone = await this.prisma.erasureTombstone.findUnique({
      where: { keyType_keyHash: { keyType: 'external_id', keyHash: sha256Hex(externalId) } },
    });
    return tombstone !== null;
  }

  /**
   * Lifecycle events joined to the visitor or naming its external_id go (their CAPI events cascade), and
   * their events are cut out of the stored Graph request bodies, which held the visitor's IP, user agent
   * and hashes among other visitors' events.
   */
  private async eraseLifecycleData(
    tx: Pick<PrismaService, '$executeRaw'>,
    visitorId: string,
    externalId: string,
  ) {
    await cutFromRequestBodies(
      tx,
      Prisma.sql`SELECT c.event_id FROM dispatches c JOIN lifecycle_events l ON l.id = c.lifecycle_event_id
        WHERE l.visitor_id = ${visitorId}::uuid OR l.hints->>'external_id' = ${externalId}`,
    );
    await tx.$executeRaw`
      DELETE FROM lifecycle_events WHERE visitor_id = ${visitorId}::uuid OR hints->>'external_id' = ${externalId}`;
    await this.eraseContributions(tx, visitorId);
  }

  /**
   * Other visitors' CAPI events this visitor contributed to as a linked journey carry its hashes and hashed
   * external_id mixed with theirs: their user_data goes, and they are cut out of the stored request bodies.
   * The events themselves stay (status, event_id: a replay must not count twice), without known keys, so
   * the coverage gauges leave them out.
   */
  private async eraseContributions(tx: Pick<PrismaService, '$executeRaw'>, visitorId: string) {
    await cutFromRequestBodies(
      tx,
      Prisma.sql`SELECT event_id FROM dispatches WHERE ${visitorId}::uuid = ANY(contributor_visitor_ids)`,
    );
    await tx.$executeRaw`
      UPDATE dispatches SET payload = payload - 'user_data' - 'user' #- '{event,user}' #- '{event,userData}' #- '{event,adIdentifiers}',
        known_keys = '{}',
        contributor_visitor_ids = array_remove(contributor_visitor_ids, ${visitorId}::uuid), updated_at = now()
      WHERE ${visitorId}::uuid = ANY(contributor_visitor_ids)`;
  }

  async erase(externalId: string): Promise<ErasureOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const visitor = await tx.visitor.findUnique({
        where: { externalId },
        include: { crmLinks: true, identities: true },
      });
      if (!visitor) return (await this.isErased(externalId)) ? 'already_erased' : 'not_found';

      const tombstones = [
        { keyType: 'external_id', keyHash: sha256Hex(externalId) },
        ...visitor.crmLinks.map((link) => ({
          keyType: `${link.provider}:${link.objectType}`,
          keyHash: sha256Hex(link.crmId),
        })),
      ];
      await tx.erasureTombstone.createMany({ data: tombstones, skipDuplicates: true });
      const identityIds = visitor.identities.map((link) => link.identityId);
      await this.eraseLifecycleData(tx, visitor.id, externalId);
      await tx.visitor.delete({ where: { id: visitor.id } }); // cascades to touchpoints, forms and links
      await tx.identity.deleteMany({ where: { id: { in: identityIds }, visitors: { none: {} } } });
      return 'erased';
    });
  }
}

/** Where each platform's request body lists its events, and the key holding the (shared) event id. */
const REQUEST_EVENT_LISTS = [
  { list: 'data', id: 'event_id' }, // Meta, TikTok
  { list: 'events', id: 'transactionId' }, // Google Data Manager
  { list: 'elements', id: 'eventId' }, // LinkedIn
] as const;

/**
 * Stored request bodies hold many visitors' events: the erased events (`eventIds`, a query of event_id) are cut
 * out of every body that carried one, the rest of each body stays as it was sent.
 */
async function cutFromRequestBodies(tx: Pick<PrismaService, '$executeRaw'>, eventIds: Prisma.Sql) {
  for (const { list, id } of REQUEST_EVENT_LISTS) {
    const path = `{${list}}`;
    await tx.$executeRaw`
      WITH erased AS (${eventIds})
      UPDATE destination_requests r SET request_body = jsonb_set(r.request_body, ${path}::text[], COALESCE(
        (SELECT jsonb_agg(e) FROM jsonb_array_elements(r.request_body->${list}) e
         WHERE e->>${id} NOT IN (SELECT event_id FROM erased)), '[]'::jsonb))
      WHERE jsonb_typeof(r.request_body->${list}) = 'array' AND EXISTS (
        SELECT 1 FROM jsonb_array_elements(r.request_body->${list}) e WHERE e->>${id} IN (SELECT event_id FROM erased))`;
  }
}
