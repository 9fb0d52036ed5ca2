import { Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppConfig } from '@app/config';
import { goHighLevelAdapter } from '@app/crm';
import type { RawRequest } from './raw-request';
import { WebhookIntakeService } from './webhook-intake.service';

/** HighLevel marketplace webhooks (X-GHL-Signature / X-WH-Signature) and workflow webhooks (X-Journey-Secret). */
@ApiTags('webhooks')
@Controller('webhooks')
export class GoHighLevelWebhookController {
  constructor(
    private readonly config: AppConfig,
    private readonly intake: WebhookIntakeService,
  ) {}

  @Post('gohighlevel')
  @HttpCode(200)
  // Documented, not validated by a DTO: the raw bytes are verified against the CRM's signature first.
  @ApiOperation({
    summary:
      'HighLevel marketplace webhooks (X-GHL-Signature Ed25519, legacy X-WH-Signature RSA) and workflow webhooks (X-Journey-Secret)',
  })
  @ApiBody({ description: 'HighLevel event JSON', required: true })
  receive(@Req() request: RawRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return this.intake.receive(goHighLevelAdapter, this.config.gohighlevel, request, reply);
  }
}
