import { Injectable, Optional } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { dealValue, HubspotApiClient, HubspotApiError, HubspotDeal, StageMap } from '@app/crm';
import { LifecycleBatchRepository, LifecycleCrmFacts, LifecycleEventRow, LifecycleOutcome } from '@app/db';
import { applyCrmFacts, type CrmFacts } from './apply-crm-facts';
import { forEachLimited } from './for-each-limited';

/**
 * Events read at once: the client gathers reads made together into batch reads of up to 100 (and keeps to
 * HubSpot's burst limit itself), so a whole webhook delivery's reads share a few requests.
 */
const READ_CONCURRENCY = 100;

/**
 * Reads, before the join, what the webhook did not carry: a HubSpot deal's pipeline, amount, currency and
 * lead id (batch reads for the batch's deals, also holding the contacts the join needs, cached briefly), and a HubSpot
 * contact's lead id when HUBSPOT_LEAD_ID_PROPERTY is set. Other CRMs send these in the delivery itself.
 * Then maps again the changes stored without their pipeline (see applyCrmFacts).
 */
@Injectable()
export class CrmFactsReader {
  constructor(
    private readonly config: AppConfig,
    private readonly stageMap: StageMap,
    private readonly batch: LifecycleBatchRepository,
    @Optional() private readonly hubspot?: HubspotApiClient,
  ) {}

  /**
   * Adds what the CRM's API says (saved on the events) and maps again the events stored without a pipeline.
   * Returns the events to join; unmapped ones get their outcome, failed reads are left for the job's retry.
   */
  async mapEvents(
    events: LifecycleEventRow[],
    outcomes: LifecycleOutcome[],
    failures: Error[],
  ): Promise<LifecycleEventRow[]> {
    const { facts, failed } = await this.read(events, failures);
    const pipelineSource = this.hubspot ? 'the CRM did not name it' : 'HUBSPOT_ACCESS_TOKEN is not set';
    const saves: LifecycleCrmFacts[] = [];
    const mapped: LifecycleEventRow[] = [];
    for (const event of events) {
      if (failed.has(event.id)) continue;
      const applied = applyCrmFacts(event, facts.get(event.id), this.stageMap, pipelineSource);
      if (applied.save) {
        saves.push(applied.save);
        Object.assign(event, {
          pipeline: applied.save.pipeline,
          event_name: applied.save.eventName,
          value: applied.save.value === null ? null : String(applied.save.value),
          currency: applied.save.currency,
          lead_id: applied.save.leadId,
        });
      }
      if (applied.unmappedReason) {
        outcomes.push({ id: event.id, status: 'unmapped', statusReason: applied.unmappedReason });
      } else mapped.push(event);
    }
    await this.batch.saveCrmFacts(saves);
    return mapped;
  }

  /** Facts per event id; an event whose read failed (HubSpot down) is in `failed` and left for the retry. */
  private async read(
    events: LifecycleEventRow[],
    failures: Error[],
  ): Promise<{ facts: Map<string, CrmFacts>; failed: Set<string> }> {
    const facts = new Map<string, CrmFacts>();
    const failed = new Set<string>();
    const api = this.hubspot;
    const wanted = events.filter((event) => api && event.provider === 'hubspot' && this.reads(event));
    // Every deal of the batch asked for at once: 2 requests per 100 deals. A failed read fails its events
    // only, without a second try per event (that is the job's retry).
    const deals = new Map<string, Promise<HubspotDeal | null>>();
    for (const event of wanted.filter((e) => e.object_type === 'deal')) {
      const deal = api!.deal(event.object_id, event.occurred_at);
      deal.catch(() => undefined); // awaited below, maybe after it failed
      deals.set(event.id, deal);
    }
    await forEachLimited(wanted, READ_CONCURRENCY, async (event) => {
      try {
        facts.set(event.id, await this.hubspotFacts(api!, event, deals.get(event.id)));
      } catch (error) {
        failures.push(error as Error);
        failed.add(event.id);
      }
    });
    return { facts, failed };
  }

  private reads(event: LifecycleEventRow): boolean {
    if (event.object_type === 'deal') return true;
    return event.object_type === 'contact' && !!this.config.hubspot.leadIdProperty;
  }

  private async hubspotFacts(
    api: HubspotApiClient,
    event: LifecycleEventRow,
    read?: Promise<HubspotDeal | null>,
  ): Promise<CrmFacts> {
    const leadIdProperty = this.config.hubspot.leadIdProperty;
    if (event.object_type === 'contact') {
      return { leadId: await api.contactProperty(event.object_id, leadIdProperty!) };
    }
    const deal = await (read ?? api.deal(event.object_id, event.occurred_at));
    if (!deal) return {};
    const needsCompanyCurrency = !deal.currency && (deal.amount ?? deal.amountInHomeCurrency) !== undefined;
    const money = dealValue(deal, needsCompanyCurrency ? await this.companyCurrency(api) : undefined);
    // The lead id is usually on the contact: ask the deal's first contact when the deal has none.
    const contactId = deal.contactIds[0];
    const leadId =
      deal.leadId ??
      (leadIdProperty && contactId ? await api.contactProperty(contactId, leadIdProperty) : undefined);
    return { pipeline: deal.pipeline, ...money, leadId };
  }

  /** Unknown (the value then falls back to DEFAULT_CURRENCY) when the token may not read account details. */
  private async companyCurrency(api: HubspotApiClient): Promise<string | undefined> {
    try {
      return await api.companyCurrency();
    } catch (error) {
      if (error instanceof HubspotApiError && !error.retryable) return undefined;
      throw error;
    }
  }
}
