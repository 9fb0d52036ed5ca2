import { createHash } from 'node:crypto';
import { HttpException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import type { CrmProvider, LifecycleChange, ParsedDelivery, StageMap } from '@app/crm';
import { InboxLifecycleEvent, StoredDelivery, WebhookInboxRepository } from '@app/db';
import { MetricsService } from '@app/observability';
import { InjectStageMap } from './stage-map.provider';

/** The store failed: the delivery was not accepted and the CRM must retry (status per CRM's retry rules). */
export class InboxUnavailableError extends Error {}

/**
 * The part every CRM controller shares once the delivery is verified and parsed: map each stage change to
 * its Meta event, store delivery and events in one transaction (with the identities it revealed: links and
 * re-pended unjoined events), count. Nothing here waits on Redis.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger = new Logger(WebhookIntakeService.name);

  constructor(
    private readonly inbox: WebhookInboxRepository,
    private readonly metrics: MetricsService,
    @InjectStageMap() private readonly stageMap: StageMap,
  ) {}

  /** Counts and refuses a delivery whose authenticity could not be established: nothing is stored. */
  reject(provider: CrmProvider, reason: string, status = 401): never {
    this.metrics.webhooks.rejected.inc({ provider, reason });
    const message = `signature: delivery refused (${reason.replace(/_/g, ' ')})`;
    if (status === 401) throw new UnauthorizedException(message);
    throw new HttpException(
      { statusCode: status, error: 'Forbidden', message, fields: ['signature'] },
      status,
    );
  }

  async store(
    provider: CrmProvider,
    scheme: string,
    rawBody: Buffer | string,
    parsed: ParsedDelivery,
    tenant?: string,
  ): Promise<StoredDelivery> {
    const events = parsed.changes.map((change) => this.toEvent(change));
    let stored: StoredDelivery;
    try {
      stored = await this.inbox.store(
        {
          provider,
          tenant: tenant ?? parsed.changes[0]?.tenant,
          scheme,
          eventCount: parsed.changes.length + parsed.ignored,
          bodySha256: createHash('sha256').update(rawBody).digest('hex'),
        },
        events,
        parsed.identities ?? [],
      );
    } catch (error) {
      this.logger.error(`storing a ${provider} delivery failed: ${(error as Error).message}`);
      this.metrics.webhooks.rejected.inc({ provider, reason: 'store_failed' });
      throw new InboxUnavailableError();
    }
    this.metrics.webhooks.received.inc({ provider });
    if (stored.duplicates) this.metrics.webhooks.duplicates.inc({ provider }, stored.duplicates);
    if (stored.linked || stored.repended) {
      this.logger.log(
        `${provider} revealed identities: ${stored.linked} CRM records linked, ${stored.repended} unjoined events re-pended`,
      );
    }
    for (const event of events) this.metrics.webhooks.lifecycleEvents.inc({ provider, status: event.status });
    return stored;
  }

  /**
   * A change without a pipeline that a pipeline rule may match (HubSpot subscription events) is stored
   * `pending` even when unmapped: the worker reads the deal's pipeline and maps it again before anything is
   * sent, so a pipeline rule is never missed and an unmapped stage is never dropped before it is known.
   */
  private toEvent(change: LifecycleChange): InboxLifecycleEvent {
    const eventName = this.stageMap.eventFor(change);
    const awaitsPipeline = this.stageMap.needsPipeline(change);
    return {
      provider: change.provider,
      tenant: change.tenant,
      dedupeKey: change.dedupeKey,
      objectType: change.objectType,
      objectId: change.objectId,
      pipeline: change.pipeline,
      stageField: change.stageField,
      stage: change.stage,
      won: change.won,
      eventName,
      status: eventName || awaitsPipeline ? 'pending' : 'unmapped',
      statusReason: awaitsPipeline
        ? 'mapped again once the worker reads the pipeline (the delivery names none, a pipeline rule may apply)'
        : eventName
          ? undefined
          : `no event is mapped to ${change.objectType} ${change.stageField} = ${change.stage}`,
      occurredAt: new Date(change.occurredAt),
      value: change.value,
      currency: change.currency,
      leadId: change.leadId,
      hints: {
        external_id: change.hints.externalId,
        crm_records: change.hints.crmRecords.map((record) => ({
          object_type: record.objectType,
          id: record.id,
        })),
        email_hashes: change.hints.emailHashes,
        phone_hashes: change.hints.phoneHashes,
      },
    };
  }
}
