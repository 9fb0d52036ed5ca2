import { Injectable, Logger, Optional } from '@nestjs/common';
import { HubspotApiClient } from '@app/crm';
import { LifecycleEventRow, LifecycleJoinRepository } from '@app/db';
import { normalizeEmail, normalizePhone, sha256Hex } from '@app/journey';
import { ERASED_CRM_RECORD, ERASED_EXTERNAL_ID, JoinResult } from './join-result';

/**
 * Finds the journey of a lifecycle change, in SPEC's order: our external_id in the payload, a linked CRM
 * id, the CRM's associated contact (HubSpot API), then a hashed email or phone. Records found on the way are
 * linked to the visitor so the next change for them joins directly.
 */
@Injectable()
export class LifecycleJoiner {
  private readonly logger = new Logger(LifecycleJoiner.name);

  constructor(
    private readonly repo: LifecycleJoinRepository,
    @Optional() private readonly hubspot?: HubspotApiClient,
  ) {}

  async join(event: LifecycleEventRow): Promise<JoinResult> {
    const hints = event.hints;
    const records = hints.crm_records ?? [];
    const externalIds = [hints.external_id];
    let emailHashes = hints.email_hashes ?? [];
    let phoneHashes = hints.phone_hashes ?? [];
    let learnedRecords: { object_type: string; id: string }[] = [];

    if (await this.repo.crmRecordErased(event.provider, records)) {
      return { kind: 'erased', reason: ERASED_CRM_RECORD };
    }
    const byExternalId = await this.byExternalIds(externalIds);
    if (byExternalId.kind !== 'unjoined') return this.linked(byExternalId, event, records);

    const byLink = await this.repo.visitorByCrmRecords(event.provider, records);
    if (byLink) return this.linked({ kind: 'joined', visitorId: byLink, method: 'crm_link' }, event, records);

    if (event.provider === 'hubspot' && this.hubspot) {
      // Throws on 429/5xx: the job is retried with back-off rather than the change marked unjoined.
      const contacts = await this.hubspotContacts(event);
      const viaApi = await this.byExternalIds(contacts.map((contact) => contact.externalId));
      if (viaApi.kind === 'erased') return viaApi;
      const contactRecords = contacts.map((contact) => ({ object_type: 'contact', id: contact.id }));
      if (viaApi.kind === 'joined') {
        return this.linked({ ...viaApi, method: 'crm_api' }, event, [...records, ...contactRecords]);
      }
      const byContactLink = await this.repo.visitorByCrmRecords('hubspot', contactRecords);
      if (byContactLink) {
        return this.linked({ kind: 'joined', visitorId: byContactLink, method: 'crm_api' }, event, records);
      }
      learnedRecords = contactRecords;
      emailHashes = [...emailHashes, ...contacts.flatMap((contact) => contact.emailHashes)];
      phoneHashes = [...phoneHashes, ...contacts.flatMap((contact) => contact.phoneHashes)];
    }

    const byEmail = await this.repo.visitorByHash('em', emailHashes);
    if (byEmail) {
      return this.linked({ kind: 'joined', visitorId: byEmail, method: 'email' }, event, [
        ...records,
        ...learnedRecords,
      ]);
    }
    const byPhone = await this.repo.visitorByHash('ph', phoneHashes);
    if (byPhone) {
      return this.linked({ kind: 'joined', visitorId: byPhone, method: 'phone' }, event, [
        ...records,
        ...learnedRecords,
      ]);
    }

    return {
      kind: 'unjoined',
      reason:
        'no journey matched its external_id, CRM ids, CRM contact, email or phone; retried when a form brings one',
      learned: {
        email_hashes: emailHashes,
        phone_hashes: phoneHashes,
        crm_records: [...records, ...learnedRecords],
      },
    };
  }

  private async byExternalIds(ids: (string | undefined)[]): Promise<JoinResult> {
    for (const id of ids) {
      if (!id) continue;
      if (await this.repo.isErased(id)) return { kind: 'erased', reason: ERASED_EXTERNAL_ID };
      const visitorId = await this.repo.visitorByExternalId(id);
      if (visitorId) return { kind: 'joined', visitorId, method: 'external_id' };
    }
    return { kind: 'unjoined', reason: '' };
  }

  private async linked(
    result: JoinResult,
    event: LifecycleEventRow,
    records: { object_type: string; id: string }[],
  ) {
    if (result.kind === 'joined') await this.repo.linkCrmRecords(result.visitorId, event.provider, records);
    return result;
  }

  /** The deal's associated contacts (or the contact itself), with contact data hashed at once. */
  private async hubspotContacts(event: LifecycleEventRow) {
    const api = this.hubspot!;
    const ids = event.object_type === 'deal' ? await this.dealContactIds(event) : [event.object_id];
    const contacts = [];
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
