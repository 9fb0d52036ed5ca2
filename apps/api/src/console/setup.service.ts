import { Injectable } from '@nestjs/common';
import {
  AppConfig,
  configuredCrms,
  configuredDestinations,
  CrmSetting,
  DestinationSetting,
} from '@app/config';
import { StageMap } from '@app/crm';
import { ConsoleJourneysRepository } from '@app/db';
import { type Platform, SEND_WINDOW_MS } from '@app/destinations';
import type { DispatchPlatform } from '@app/queues';
import { ReplayOutcome, ReplayService } from '../admin/replay.service';
import { InjectStageMap } from '../webhooks/stage-map.provider';

export interface Setup {
  crms: (CrmSetting & { url: string })[];
  destinations: DestinationSetting[];
  stageRules: ReturnType<StageMap['rules']>;
  baseUrl: string;
  baseFrom: 'PUBLIC_BASE_URL' | 'this request';
  metaTestEventCode: boolean;
}

/** The Set-up page, and its "send a test event" action. */
@Injectable()
export class SetupService {
  constructor(
    private readonly config: AppConfig,
    @InjectStageMap() private readonly stageMap: StageMap,
    private readonly journeys: ConsoleJourneysRepository,
    private readonly replays: ReplayService,
  ) {}

  setup(requestBase: string): Setup {
    const base = this.config.http.publicBaseUrl ?? requestBase;
    return {
      crms: configuredCrms(this.config).map((crm) => ({ ...crm, url: `${base}${crm.path}` })),
      destinations: configuredDestinations(this.config),
      stageRules: this.stageMap.rules(),
      baseUrl: base,
      baseFrom: this.config.http.publicBaseUrl ? 'PUBLIC_BASE_URL' : 'this request',
      metaTestEventCode: Boolean(this.config.meta.testEventCode),
    };
  }

  /**
   * Re-sends the latest event built for one platform, to that platform alone, through the replay service, with
   * the same event id (none of them counts it twice) in the platform's test mode:
   * - Meta: the test code typed, else META_TEST_EVENT_CODE (required: it shows under Test events);
   * - TikTok: the code typed, else TIKTOK_TEST_EVENT_CODE, else a plain re-send TikTok drops as a repeat;
   * - Google: no per-request test code: GOOGLE_VALIDATE_ONLY validates only, else Google drops the repeated
   *   transactionId (DUPLICATE_TRANSACTION_ID) after checking credentials, account and action;
   * - LinkedIn: none (LinkedIn documents no test mode nor dedup of repeated API sends): refused.
   */
  async sendTestEvent(platform: string, typedCode: string | undefined): Promise<ReplayOutcome | string> {
    const setting = configuredDestinations(this.config).find((d) => d.platform === platform);
    if (!setting?.enabled) return `${platform} is not configured`;
    if (platform === 'linkedin') {
      return 'LinkedIn has no test mode and does not drop repeated API sends: test with a separate conversion rule';
    }
    const code = typedCode || (platform === 'meta' ? this.config.meta.testEventCode : undefined);
    if (platform === 'meta' && !code) {
      return 'type a test event code (Events Manager → Test events) or set META_TEST_EVENT_CODE';
    }
    const windowMs = SEND_WINDOW_MS[platform as Platform];
    const recent = await this.journeys.recentBuiltEvent(platform, new Date(Date.now() - windowMs));
    if (!recent)
      return `no ${platform} event built within its window to re-send: let one CRM change through first`;
    return this.replays.replay(
      { lifecycle_event_ids: [recent.lifecycle_event_id], test_event_code: code },
      platform as DispatchPlatform,
    );
  }
}
