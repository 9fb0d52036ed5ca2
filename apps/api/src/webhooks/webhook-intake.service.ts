import { createHash } from 'node:crypto';
import { HttpException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@app/config';
import {
  receiveDelivery,
  type CrmAdapter,
  type CrmProvider,
  type CrmWebhookAnswer,
  type ParsedDelivery,
  type StageMap,
  storedLifecycleChange,
} from '@app/crm';
import { StoredDelivery, WebhookInboxRepository } from '@app/db';
import { MetricsService } from '@app/observability';
import { rawBodyOf, type RawRequest } from './raw-request';
import { InjectStageMap } from './stage-map.provider';

/** The store failed: the delivery was not accepted and the CRM must retry (status per CRM's retry rules). */
export class InboxUnavailableError extends Error {}

/**
 * What every CRM webhook does, the CRM's own part coming from its adapter: verify, parse, map each stage
 * change to its Meta event, store delivery and events in one transaction (with the identities it revealed:
 * links and re-pended unjoined events), count, and answer the way that CRM expects. Nothing here waits on
 * Redis.
 */
@Injectable()
export class WebhookIntakeService {
  private readonly logger = new Logger(WebhookIntakeService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly inbox: WebhookInboxRepository,
    private readonly metrics: MetricsService,
    @InjectStageMap() private readonly stageMap: StageMap,
  ) {}

  /** Handles one delivery to the CRM's webhook; the answer's status and content type are set on `reply`. */
  async receive<Settings, Parsed extends ParsedDelivery>(
    adapter: CrmAdapter<Settings, Parsed>,
    settings: Settings,
    request: RawRequest,
    reply: FastifyReply,
  ): Promise<unknown> {
    const rawBody = rawBodyOf(request);
    // The URI the CRM called (HubSpot signs it): behind a proxy, the public one.
    const base = this.config.http.publicBaseUrl ?? `${request.protocol}://${request.host}`;
    const receipt = receiveDelivery(
      adapter,
      {
        method: request.method,
        uri: `${base}${request.url}`,
        headers: request.headers,
        rawBody,
        body: request.body,
        receivedAt: new Date(),
      },
      settings,
    );
    if (!receipt.ok) this.reject(adapter.id, receipt.reason, adapter.replies.refusedStatus);

    let answer: CrmWebhookAnswer;
    try {
      const stored = await this.store(adapter.id, receipt.scheme, rawBody, receipt.parsed);
      answer = adapter.replies.accepted(receipt.parsed, stored);
    } catch (error) {
      if (!(error instanceof InboxUnavailableError)) throw error;
      answer = adapter.replies.unavailable();
    }
    void reply.status(answer.status);
    if (answer.contentType) void reply.header('content-type', answer.contentType);
    return answer.body;
  }

  /** Counts and refuses a delivery whose authenticity could not be established: nothing is stored. */
  private reject(provider: CrmProvider, reason: string, status: number): never {
    this.metrics.webhooks.rejected.inc({ provider, reason });
    const message = `signature: delivery refused (${reason.replace(/_/g, ' ')})`;
    if (status === 401) throw new UnauthorizedException(message);
    throw new HttpException(
      { statusCode: status, error: 'Forbidden', message, fields: ['signature'] },
      status,
    );
  }

  private async store(
    provider: CrmProvider,
    scheme: string,
    rawBody: Buffer,
    parsed: ParsedDelivery,
  ): Promise<StoredDelivery> {
    const events = parsed.changes.map((change) => storedLifecycleChange(change, this.stageMap));
    let stored: StoredDelivery;
    try {
      stored = await this.inbox.store(
        {
          provider,
          tenant: parsed.tenant ?? parsed.changes[0]?.tenant,
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
    if (stored.stored) this.metrics.webhooks.changes.inc({ source: 'webhook', provider }, stored.stored);
    if (stored.linked || stored.repended) {
      this.logger.log(
        `${provider} revealed identities: ${stored.linked} CRM records linked, ${stored.repended} unjoined events re-pended`,
      );
    }
    for (const event of events) this.metrics.webhooks.lifecycleEvents.inc({ provider, status: event.status });
    return stored;
  }
}
