import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@app/config';
import { salesforceAdapter } from '@app/crm';
import type { RawRequest } from './raw-request';
import { WebhookIntakeService } from './webhook-intake.service';

/**
 * Salesforce Outbound Messages (SOAP). They carry no signature: the OrganizationId must be one of
 * SALESFORCE_ORG_IDS (network allow-listing and TLS belong to the proxy in front).
 */
@Controller('webhooks')
export class SalesforceWebhookController {
  constructor(
    private readonly config: AppConfig,
    private readonly intake: WebhookIntakeService,
  ) {}

  @Post('salesforce')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  receive(@Req() request: RawRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return this.intake.receive(salesforceAdapter, this.config.salesforce, request, reply);
  }
}
