import { Controller, HttpCode, Post, Req, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import { parseHubspotDelivery, verifyHubspotRequest } from '@app/crm';
import { rawBodyOf } from './raw-request';
import type { RawRequest } from './raw-request';
import { InboxUnavailableError, WebhookIntakeService } from './webhook-intake.service';

/** HubSpot app webhooks (signature v3, v2, v1) and workflow "Send a webhook" deliveries. */
@Controller('webhooks')
export class HubspotWebhookController {
  constructor(
    private readonly config: AppConfig,
    private readonly intake: WebhookIntakeService,
  ) {}

  @Post('hubspot')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async receive(@Req() request: RawRequest) {
    const secret = this.config.hubspot.clientSecret;
    if (!secret) this.intake.reject('hubspot', 'not_configured');
    const rawBody = rawBodyOf(request);
    // HubSpot signs the URI it called; behind a proxy that is the public one.
    const base = this.config.http.publicBaseUrl ?? `${request.protocol}://${request.host}`;
    const check = verifyHubspotRequest({
      method: request.method,
      uri: `${base}${request.url}`,
      rawBody,
      headers: request.headers,
      clientSecret: secret,
    });
    if (!check.ok) this.intake.reject('hubspot', check.reason);

    const parsed = parseHubspotDelivery(request.body, {
      externalIdProperty: this.config.hubspot.externalIdProperty,
      receivedAt: new Date(),
    });
    try {
      const stored = await this.intake.store('hubspot', check.scheme, rawBody, parsed);
      return {
        received: parsed.changes.length + parsed.ignored,
        stored: stored.stored,
        duplicates: stored.duplicates,
      };
    } catch (error) {
      // HubSpot retries any non-2xx for up to 24 h.
      if (error instanceof InboxUnavailableError)
        throw new ServiceUnavailableException('store unavailable, retry');
      throw error;
    }
  }
}
