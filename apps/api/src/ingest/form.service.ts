import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { FORM_CRM_IDS } from '@app/crm';
import { CrmLinkInput, FormSubmissionRepository } from '@app/db';
import {
  consentSnapshot,
  dropEmailsFromCustomAnswers,
  EMAIL_IN_CUSTOM_ANSWER,
  normalizeAndHashContact,
  normalizeCountry,
  sha256Hex,
} from '@app/journey';
import { MetricsService } from '@app/observability';
import type { IngestCaller } from '../common/ingest-auth.guard';
import { visitorNetwork } from './client-context';
import { CrmIdsDto, DroppedValueDto, FormDto, FormRecordedDto } from './dto/form.dto';

/** Which CRM record each `crm_ids` key names (the CRM adapters' identity fields). */
const CRM_ID_FIELDS: Readonly<Record<keyof CrmIdsDto, Omit<CrmLinkInput, 'crmId'>>> = FORM_CRM_IDS;

/**
 * Records a form. A structurally valid form is always kept: a contact value that cannot be normalised is left
 * out of the hashed keys and named in `dropped`, because refusing the form would lose its good values too
 * (a browser tag cannot retry).
 */
@Injectable()
export class FormService {
  constructor(
    private readonly forms: FormSubmissionRepository,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  async record(dto: FormDto, caller: IngestCaller): Promise<FormRecordedDto> {
    // Contact data is hashed here and the raw values go no further (not stored, not logged).
    const { hashes, platformHashes, errors } = normalizeAndHashContact(dto, {
      countryHint: await this.countryHintFor(dto),
      defaultCountry: this.config.capture.defaultCountry,
    });
    const answers = dropEmailsFromCustomAnswers(dto.fields);
    const dropped: DroppedValueDto[] = [
      ...errors.map(({ field, reason }) => ({ field, reason })),
      ...answers.droppedPaths.map((field) => ({ field, reason: EMAIL_IN_CUSTOM_ANSWER })),
    ];

    const eventId = dto.event_id ?? randomUUID();
    const { ip, userAgent } = visitorNetwork(caller, dto);
    await this.forms.record({
      id: randomUUID(),
      visitorId: randomUUID(),
      externalId: dto.external_id,
      externalIdHash: sha256Hex(dto.external_id),
      eventName: dto.event_name ?? 'Lead',
      eventId,
      leadId: dto.lead_id,
      hashes,
      platformHashes,
      dropped,
      crmLinks: crmLinksOf(dto.crm_ids),
      fields: answers.fields,
      consent: consentSnapshot(dto.consent),
      source: caller.source,
      ip,
      userAgent,
      submittedAt: new Date(),
    });
    this.metrics.formsRecorded.inc({ source: caller.source });
    for (const { field, reason } of dropped) {
      this.metrics.formValuesDropped.inc({ field: field.startsWith('fields.') ? 'fields' : field, reason });
    }
    return { external_id: dto.external_id, event_id: eventId, keys: Object.keys(hashes), dropped };
  }

  /**
   * The visitor's country hint matters only for a phone or a date of birth on a form that names no usable
   * country; only then is it read (one primary-key lookup).
   */
  private async countryHintFor(dto: FormDto): Promise<string | undefined> {
    const formCountry = dto.country?.trim() ? normalizeCountry(dto.country) : undefined;
    if (formCountry?.ok) return undefined;
    if (!dto.phone?.trim() && !dto.date_of_birth?.trim()) return undefined;
    return this.forms.countryHintOf(dto.external_id);
  }
}

function crmLinksOf(ids: CrmIdsDto | undefined): CrmLinkInput[] {
  if (!ids) return [];
  return (Object.keys(CRM_ID_FIELDS) as (keyof CrmIdsDto)[])
    .filter((field) => ids[field])
    .map((field) => ({ ...CRM_ID_FIELDS[field], crmId: ids[field] as string }));
}
