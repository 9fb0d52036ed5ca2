import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { TouchpointRepository } from '@app/db';
import {
  consentSnapshot,
  countryFromHints,
  hasCampaignData,
  judgeBot,
  parseCampaignParams,
  resolveTouchpointFbc,
  sha256Hex,
} from '@app/journey';
import { MetricsService } from '@app/observability';
import type { IngestCaller } from '../common/ingest-auth.guard';
import { visitorNetwork } from './client-context';
import { TouchpointDto, TouchpointRecordedDto } from './dto/touchpoint.dto';
import { TouchpointCap } from './limits/touchpoint-cap';

@Injectable()
export class TouchpointService {
  constructor(
    private readonly touchpoints: TouchpointRepository,
    private readonly metrics: MetricsService,
    private readonly cap: TouchpointCap,
  ) {}

  async record(dto: TouchpointDto, caller: IngestCaller): Promise<TouchpointRecordedDto> {
    const externalId = dto.external_id ?? randomUUID();
    const eventId = dto.event_id ?? randomUUID();
    // A known visitor past its hourly allowance: acknowledged (a tag must not retry) and not written.
    if (dto.external_id !== undefined && !(await this.cap.allows(dto.external_id))) {
      this.metrics.touchpointsIgnored.inc({ reason: 'visitor_hourly_cap' });
      return { external_id: externalId, touchpoint_id: null, event_id: eventId, ignored: true };
    }
    const occurredAt = dto.occurred_at ? new Date(dto.occurred_at) : new Date();
    const campaign = parseCampaignParams(dto.url);
    const fbc = resolveTouchpointFbc({ clientFbc: dto.fbc, fbclid: campaign.fbclid, occurredAt });
    const { ip, userAgent } = visitorNetwork(caller, dto);
    const verdict = judgeBot(userAgent, dto.properties?.webdriver);
    const consent = consentSnapshot({
      ...dto.consent,
      tcf_string: dto.consent?.tcf_string ?? dto.tcf_string,
    });

    const recorded = await this.touchpoints.record({
      id: randomUUID(),
      visitorId: randomUUID(),
      externalId,
      externalIdHash: sha256Hex(externalId),
      anonymousId: dto.anonymous_id,
      eventName: dto.event_name ?? 'PageView',
      eventId,
      occurredAt,
      source: caller.source,
      url: dto.url,
      referrer: dto.referrer,
      campaign: { ...campaign },
      hasCampaign: hasCampaignData(campaign),
      fbc: fbc?.fbc,
      fbcCreatedAt: fbc?.createdAt,
      fbclid: fbc?.fbclid,
      fbcBuilt: fbc?.built ?? false,
      fbp: dto.fbp,
      ip,
      userAgent,
      consent,
      isBot: verdict.isBot,
      botReason: verdict.reason,
      properties: dto.properties,
      countryHint: countryFromHints({ country: dto.country, locale: dto.locale, timeZone: dto.time_zone }),
    });
    this.metrics.touchpointsRecorded.inc({ source: caller.source, bot: String(verdict.isBot) });
    return { external_id: recorded.externalId, touchpoint_id: recorded.touchpointId, event_id: eventId };
  }
}
