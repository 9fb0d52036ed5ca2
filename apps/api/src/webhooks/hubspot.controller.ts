import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@app/config';
import { hubspotAdapter } from '@app/crm';
import type { RawRequest } from './raw-request';
import { WebhookIntakeService } from './webhook-intake.service';

/** HubSpot app webhooks (signature v3, v2, v1) and workflow "Send a webhook" deliveries. */
@ApiTags('webhooks')
@Controller('webhooks')
export class HubspotWebhookController {
  constructor(
    private readonly config: AppConfig,
    private readonly intake: WebhookIntakeService,
  ) {}

  @Post('hubspot')
  @HttpCode(200)
  // Documented, not validated by a DTO: the raw bytes are verified against the CRM's signature first.
  @ApiOperation({
    summary:
      'HubSpot app webhooks (X-HubSpot-Signature-v3, v2 or v1) and workflow webhooks: verified, stored, acknowledged',
  })
  @ApiBody({ description: 'JSON array of subscription events, or a workflow body', required: true })
  receive(@Req() request: RawRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return this.intake.receive(hubspotAdapter, this.config.hubspot, request, reply);
  }
}
