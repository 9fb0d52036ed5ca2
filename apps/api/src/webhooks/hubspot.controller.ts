import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@app/config';
import { hubspotAdapter } from '@app/crm';
import type { RawRequest } from './raw-request';
import { WebhookIntakeService } from './webhook-intake.service';

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
  receive(@Req() request: RawRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return this.intake.receive(hubspotAdapter, this.config.hubspot, request, reply);
  }
}
