import { Injectable } from '@nestjs/common';
import { LifecycleBatchRepository, LifecycleEventRow, LifecycleJoinRepository } from '@app/db';
import { joinLifecycleChange, JoinResult } from '@app/journey';
import { CrmContactLookup } from './crm-contact-lookup';

/**
 * The full join of one lifecycle change (libs/journey's `joinLifecycleChange`) with its lookups: Postgres per
 * event, and the CRM's API for a change's contacts (CrmContactLookup: HubSpot, HighLevel, Salesforce). Records
 * found on the way are linked to the visitor so the next change for them joins directly.
 */
@Injectable()
export class LifecycleJoiner {
  constructor(
    private readonly repo: LifecycleJoinRepository,
    private readonly batch: LifecycleBatchRepository,
    private readonly contacts: CrmContactLookup,
  ) {}

  async join(event: LifecycleEventRow): Promise<JoinResult> {
    const { repo } = this;
    const { result, link } = await joinLifecycleChange(event, {
      crmRecordErased: (provider, records) => repo.crmRecordErased(provider, records),
      externalIdErased: (externalId) => repo.externalIdErased(externalId),
      visitorByExternalId: (externalId) => repo.visitorByExternalId(externalId),
      visitorByCrmRecords: (provider, records) => repo.visitorByCrmRecords(provider, records),
      visitorByHash: (keyType, hashes) => repo.visitorByHash(keyType, hashes),
      // Throws on 429/5xx: the job is retried with back-off rather than the change marked unjoined.
      crmContacts: this.contacts.lookupFor(event),
    });
    if (result.kind === 'joined') {
      const { visitorId } = result;
      await this.batch.linkCrmRecords(
        link.map((record) => ({
          visitorId,
          provider: event.provider,
          objectType: record.object_type,
          crmId: record.id,
        })),
      );
    }
    return result;
  }
}
