import { sha256Hex } from '@app/journey';
import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';

export type ErasureOutcome = 'erased' | 'already_erased' | 'not_found';

/**
 * Right to be forgotten: the visitor, its touchpoints, forms, identity links and CRM links go; identities no
 * other visitor shares go; tombstones (hashes of the external_id and of its CRM ids) stay so later data for
 * them is dropped instead of re-creating the journey.
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
      await tx.visitor.delete({ where: { id: visitor.id } }); // cascades to touchpoints, forms and links
      await tx.identity.deleteMany({ where: { id: { in: identityIds }, visitors: { none: {} } } });
      return 'erased';
    });
  }
}
