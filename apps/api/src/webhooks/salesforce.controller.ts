import { Controller, Header, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@app/config';
import { orgIdMatches, parseSalesforceOutboundMessage, salesforceAck } from '@app/crm';
import { rawBodyOf } from './raw-request';
import type { RawRequest } from './raw-request';
import { InboxUnavailableError, WebhookIntakeService } from './webhook-intake.service';

/**
 * Salesforce Outbound Messages (SOAP). They carry no signature: the OrganizationId must be one of
 * SALESFORCE_ORG_IDS (network allow-listing and TLS belong to the proxy in front). One SOAP Ack covers up
 * to 100 notifications.
 */
@Controller('webhooks')
export class SalesforceWebhookController {
  constructor(
    private readonly config: AppConfig,
    private readonly intake: WebhookIntakeService,
  ) {}

  @Post('salesforce')
  @HttpCode(200)
  @Header('Content-Type', 'text/xml; charset=utf-8')
  @ApiExcludeEndpoint()
  async receive(
    @Req() request: RawRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const allowed = this.config.salesforce.orgIds;
    if (!allowed.length) this.intake.reject('salesforce', 'not_configured', 403);
    const rawBody = rawBodyOf(request);
    const parsed = parseSalesforceOutboundMessage(rawBody.toString('utf8'), {
      externalIdField: this.config.salesforce.externalIdField,
      leadIdField: this.config.salesforce.leadIdField,
      receivedAt: new Date(),
    });
    if (!orgIdMatches(parsed.organizationId, allowed))
      this.intake.reject('salesforce', 'unknown_organization', 403);
    try {
      await this.intake.store('salesforce', 'org_id', rawBody, parsed, parsed.organizationId);
      return salesforceAck(true);
    } catch (error) {
      // Without <Ack>true</Ack> Salesforce keeps retrying for 24 h.
      if (error instanceof InboxUnavailableError) {
        void reply.status(503);
        return salesforceAck(false);
      }
      throw error;
    }
  }
}
