import { Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { GoHighLevelApiClient, HubspotApiClient, SalesforceApiClient } from '@app/crm';
import type { LifecycleEventRow } from '@app/db';
import type { CrmContactFacts } from '@app/journey';
import { type CrmContactClients, crmContactLookup, MAX_CRM_CONTACTS } from './crm-contacts';

/** The configured CRM API clients, for the join's `crm_api` step (crm-contacts.ts). */
@Injectable()
export class CrmContactLookup {
  private readonly logger = new Logger(CrmContactLookup.name);
  private readonly clients: CrmContactClients;

  constructor(
    config: AppConfig,
    @Optional() hubspot?: HubspotApiClient,
    @Optional() gohighlevel?: GoHighLevelApiClient,
    @Optional() salesforce?: SalesforceApiClient,
  ) {
    this.clients = {
      hubspot: hubspot ?? undefined,
      gohighlevel: gohighlevel ?? undefined,
      salesforce: salesforce ?? undefined,
      salesforceExternalIdField: config.salesforce.externalIdField,
      onTooManyContacts: (dealId, count) =>
        this.logger.warn(`deal ${dealId} has ${count} contacts; joined on the first ${MAX_CRM_CONTACTS}`),
    };
  }

  lookupFor(event: LifecycleEventRow): (() => Promise<CrmContactFacts[]>) | undefined {
    return crmContactLookup(event, this.clients);
  }
}
