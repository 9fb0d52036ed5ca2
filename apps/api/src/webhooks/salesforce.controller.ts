import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@app/config';
import { salesforceAdapter } from '@app/crm';
import type { RawRequest } from './raw-request';
import { WebhookIntakeService } from './webhook-intake.service';

/**
 * Salesforce Outbound Messages (SOAP). They carry no signature: the OrganizationId must be one of
 * SALESFORCE_ORG_IDS (network allow-listing and TLS belong to the proxy in front).
 */
@ApiTags('webhooks')
@Controller('webhooks')
export class SalesforceWebhookController {
  constructor(
    private readonly config: AppConfig,
    private readonly intake: WebhookIntakeService,
  ) {}

  @Post('salesforce')
  @HttpCode(200)
  // Documented, not validated by a DTO: the raw bytes are verified against the CRM's signature first.
  @ApiOperation({
    summary:
      'Salesforce Outbound Messages (SOAP, accepted for SALESFORCE_ORG_IDS); answers with the SOAP acknowledgement',
  })
  @ApiBody({ description: 'SOAP envelope (text/xml)', required: true })
  receive(@Req() request: RawRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return this.intake.receive(salesforceAdapter, this.config.salesforce, request, reply);
  }
}
