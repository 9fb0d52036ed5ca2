import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CrmLinkInput, FormSubmissionRepository } from '@app/db';
import { consentSnapshot, normalizeAndHashContact, sha256Hex } from '@app/journey';
import { MetricsService } from '@app/observability';
import type { IngestCaller } from '../common/ingest-auth.guard';
import { badRequest } from '../common/validation';
import { visitorNetwork } from './client-context';
import { CrmIdsDto, FormDto, FormRecordedDto } from './dto/form.dto';

const CRM_ID_FIELDS: Record<keyof CrmIdsDto, Omit<CrmLinkInput, 'crmId'>> = {
  hubspot_contact_id: { provider: 'hubspot', objectType: 'contact' },
  hubspot_deal_id: { provider: 'hubspot', objectType: 'deal' },
  salesforce_lead_id: { provider: 'salesforce', objectType: 'lead' },
  salesforce_contact_id: { provider: 'salesforce', objectType: 'contact' },
  salesforce_opportunity_id: { provider: 'salesforce', objectType: 'opportunity' },
  ghl_contact_id: { provider: 'gohighlevel', objectType: 'contact' },
  ghl_opportunity_id: { provider: 'gohighlevel', objectType: 'opportunity' },
};

@Injectable()
export class FormService {
  constructor(
    private readonly forms: FormSubmissionRepository,
    private readonly metrics: MetricsService,
  ) {}

  async record(dto: FormDto, caller: IngestCaller): Promise<FormRecordedDto> {
    // Contact data is hashed here and the raw values go no further (not stored, not logged).
    const { hashes, errors } = normalizeAndHashContact(dto);
    const problems = errors.map((error) => ({
      field: error.field,
      message: `${error.field}: ${error.reason}`,
    }));
    problems.push(...rawContactInCustomFields(dto.fields));
    if (problems.length) throw badRequest(problems);

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
      crmLinks: crmLinksOf(dto.crm_ids),
      fields: dto.fields,
      consent: consentSnapshot(dto.consent),
      source: caller.source,
      ip,
      userAgent,
      submittedAt: new Date(),
    });
    this.metrics.formsRecorded.inc({ source: caller.source });
    return { external_id: dto.external_id, event_id: eventId };
  }
}

function crmLinksOf(ids: CrmIdsDto | undefined): CrmLinkInput[] {
  if (!ids) return [];
  return (Object.keys(CRM_ID_FIELDS) as (keyof CrmIdsDto)[])
    .filter((field) => ids[field])
    .map((field) => ({ ...CRM_ID_FIELDS[field], crmId: ids[field] as string }));
}

const EMAIL_INSIDE = /[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[a-z]{2,}/i;

/**
 * Custom answers are stored as sent, so an email address anywhere in them (nested, in a list, in a mailto:)
 * would be stored raw: refuse it and name where it was.
 */
function rawContactInCustomFields(fields: Record<string, unknown> | undefined) {
  const found: { field: string; message: string }[] = [];
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'string' && EMAIL_INSIDE.test(value)) {
      found.push({
        field: path,
        message: `${path} holds an email address: send it as email, where it is hashed`,
      });
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, child] of Object.entries(value)) visit(child, `${path}.${key}`);
    }
  };
  if (fields) visit(fields, 'fields');
  return found;
}
