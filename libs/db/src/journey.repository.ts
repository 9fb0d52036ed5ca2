import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';

const TOUCHPOINT_LIMIT = 1000;

/** Everything the journey view shows. Prisma reads; raw SQL only for the identity graph's linked ids (a join Prisma cannot express). */
@Injectable()
export class JourneyRepository {
  constructor(private readonly prisma: PrismaService) {}

  // Plain reads, not an interactive transaction: Prisma runs an include's relation queries concurrently,
  // which one transaction connection cannot do. A touchpoint landing mid-read is harmless here.
  async findByExternalId(externalId: string) {
    const visitor = await this.prisma.visitor.findUnique({
      where: { externalId },
      include: {
        touchpoints: { orderBy: { occurredAt: 'asc' }, take: TOUCHPOINT_LIMIT },
        identities: { include: { identity: true }, orderBy: { firstSeenAt: 'asc' } },
        crmLinks: { orderBy: { createdAt: 'asc' } },
        formSubmissions: { orderBy: { submittedAt: 'asc' } },
        lifecycleEvents: {
          orderBy: { occurredAt: 'asc' },
          take: 500,
          include: { dispatches: { include: { request: { select: { traceId: true, createdAt: true } } } } },
        },
      },
    });
    if (!visitor) return null;
    const contributorIds = [
      ...new Set(
        visitor.lifecycleEvents.flatMap((event) =>
          event.dispatches.flatMap((dispatch) => dispatch.contributorVisitorIds),
        ),
      ),
    ];
    const [touchpointCount, linkedExternalIds, contributors] = await Promise.all([
      this.prisma.touchpoint.count({ where: { visitorId: visitor.id } }),
      this.linkedExternalIds(visitor.id),
      this.prisma.visitor.findMany({
        where: { id: { in: contributorIds } },
        select: { id: true, externalId: true },
      }),
    ]);
    // Contributors of dispatched events by visitor id; an erased one no longer resolves.
    const contributorExternalIds = new Map(contributors.map((row) => [row.id, row.externalId]));
    return { ...visitor, touchpointCount, linkedExternalIds, contributorExternalIds };
  }

  /**
   * The identity graph: other visitors that share an email or phone hash with this one, followed
   * transitively (same person on another device or browser). Bounded so a shared inbox cannot fan out.
   */
  private async linkedExternalIds(visitorId: string): Promise<string[]> {
    const rows = await this.prisma.$queryRaw<{ external_id: string }[]>`
      WITH RECURSIVE graph(visitor_id, depth) AS (
        SELECT ${visitorId}::uuid, 0
        UNION
        SELECT other.visitor_id, graph.depth + 1
        FROM graph
        JOIN visitor_identities mine ON mine.visitor_id = graph.visitor_id
        JOIN identities i ON i.id = mine.identity_id AND i.key_type IN ('em', 'ph')
        JOIN visitor_identities other ON other.identity_id = i.id
        WHERE graph.depth < 4
      )
      SELECT DISTINCT v.external_id FROM graph JOIN visitors v ON v.id = graph.visitor_id
      WHERE graph.visitor_id <> ${visitorId}::uuid
      ORDER BY v.external_id
      LIMIT 100`;
    return rows.map((row) => row.external_id);
  }
}

export type JourneyRecord = NonNullable<Awaited<ReturnType<JourneyRepository['findByExternalId']>>>;
