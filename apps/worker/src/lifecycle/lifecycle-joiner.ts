import { Injectable, Logger, Optional } from '@nestjs/common';
import { HubspotApiClient } from '@app/crm';
import { LifecycleBatchRepository, LifecycleEventRow, LifecycleJoinRepository } from '@app/db';
import {
  CrmContactFacts,
  joinLifecycleChange,
  JoinResult,
  normalizeEmail,
  normalizePhone,
  sha256Hex,
} from '@app/journey';

/**
 * The full join of one lifecycle change (libs/journey's `joinLifecycleChange`) with its lookups: Postgres per
 * event, and HubSpot's API for a change's associated contacts. Records found on the way are linked to the
 * visitor so the next change for them joins directly.
 */
@Injectable()
export class LifecycleJoiner {
  private readonly logger = new Logger(LifecycleJoiner.name);

  constructor(
    private readonly repo: LifecycleJoinRepository,
    private readonly batch: LifecycleBatchRepository,
    @Optional() private readonly hubspot?: HubspotApiClient,
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
      crmContacts:
        event.provider === 'hubspot' && this.hubspot ? () => this.hubspotContacts(event) : undefined,
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

  /** The deal's associated contacts (or the contact itself), with contact data hashed at once. */
  private async hubspotContacts(event: LifecycleEventRow): Promise<CrmContactFacts[]> {
    const api = this.hubspot!;
    const ids = event.object_type === 'deal' ? await this.dealContactIds(event) : [event.object_id];
    const contacts: CrmContactFacts[] = [];
    for (const id of ids.slice(0, 10)) {
      const contact = await api.contact(id);
      if (!contact) continue;
      const email = contact.email ? normalizeEmail(contact.email) : undefined;
      const phones = [contact.phone, contact.mobilePhone]
        .filter((phone): phone is string => !!phone)
        .map((phone) => normalizePhone(phone, contact.country));
      contacts.push({
        id: contact.id,
        externalId: contact.externalId,
        emailHashes: email?.ok ? [sha256Hex(email.value)] : [],
        phoneHashes: phones.flatMap((phone) => (phone.ok ? [sha256Hex(phone.value)] : [])),
      });
    }
    if (ids.length > 10)
      this.logger.warn(`deal ${event.object_id} has ${ids.length} contacts; joined on the first 10`);
    return contacts;
  }

  /** From the deal read the worker made for its value (cached); HubSpot's v4 paging when that list is paged. */
  private async dealContactIds(event: LifecycleEventRow): Promise<string[]> {
    const deal = await this.hubspot!.deal(event.object_id, event.occurred_at);
    if (!deal) return [];
    return deal.contactIdsComplete ? deal.contactIds : this.hubspot!.associatedContactIds(event.object_id);
  }
}
