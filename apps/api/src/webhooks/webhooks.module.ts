import { Module } from '@nestjs/common';
import { GoHighLevelWebhookController } from './gohighlevel.controller';
import { HubspotWebhookController } from './hubspot.controller';
import { SalesforceWebhookController } from './salesforce.controller';
import { stageMapProvider } from './stage-map.provider';
import { WebhookIntakeService } from './webhook-intake.service';

@Module({
  controllers: [HubspotWebhookController, GoHighLevelWebhookController, SalesforceWebhookController],
  providers: [WebhookIntakeService, stageMapProvider],
})
export class WebhooksModule {}
