import { Controller, HttpCode, HttpException, Post, Req } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import {
  parseHighLevelDelivery,
  parseHighLevelWorkflowDelivery,
  verifyHighLevelRequest,
  verifyHighLevelWorkflowSecret,
} from '@app/crm';
import { rawBodyOf } from './raw-request';
import type { RawRequest } from './raw-request';
import { InboxUnavailableError, WebhookIntakeService } from './webhook-intake.service';

const RETRY_WINDOW_MS = 75 * 60 * 1000;

/** HighLevel marketplace webhooks (X-GHL-Signature / X-WH-Signature) and workflow webhooks (X-Journey-Secret). */
@Controller('webhooks')
export class GoHighLevelWebhookController {
  constructor(
    private readonly config: AppConfig,
    private readonly intake: WebhookIntakeService,
  ) {}

  @Post('gohighlevel')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async receive(@Req() request: RawRequest) {
    const rawBody = rawBodyOf(request);
    const isWorkflow = request.headers['x-journey-secret'] !== undefined;
    const check = isWorkflow
      ? verifyHighLevelWorkflowSecret(request.headers, this.config.highlevel.workflowSecret)
      : verifyHighLevelRequest({
          rawBody,
          headers: request.headers,
          ed25519PublicKeyPem: this.config.highlevel.publicKey,
          rsaPublicKeyPem: this.config.highlevel.rsaPublicKey,
          // HighLevel's only retries (after our 429) come 10-70 min later with the original timestamp;
          // a 5-minute window would refuse them. Replays stay harmless: webhookId deduplicates.
          maxAgeMs: RETRY_WINDOW_MS,
        });
    if (!check.ok) this.intake.reject('gohighlevel', check.reason);

    const receivedAt = new Date();
    const parsed = isWorkflow
      ? parseHighLevelWorkflowDelivery(request.body, { receivedAt })
      : parseHighLevelDelivery(request.body, {
          receivedAt,
          externalIdFieldId: this.config.highlevel.externalIdField,
        });
    try {
      const stored = await this.intake.store('gohighlevel', check.scheme, rawBody, parsed);
      return {
        received: parsed.changes.length + parsed.ignored,
        stored: stored.stored,
        duplicates: stored.duplicates,
      };
    } catch (error) {
      // 429 is the only status HighLevel retries (every 10 min, 6 times): anything else would lose the event.
      if (error instanceof InboxUnavailableError) {
        throw new HttpException(
          { statusCode: 429, error: 'Too Many Requests', message: 'store unavailable, retry' },
          429,
        );
      }
      throw error;
    }
  }
}
