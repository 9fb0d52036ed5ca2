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
import { MAX_EVENT_AGE_MS } from '@app/journey';
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
   * Meta only: re-sends the latest built Meta event young enough for Meta, to Meta alone, with a test event
   * code (the one typed, else META_TEST_EVENT_CODE), through the replay service. Same event_id, so Meta's
   * Test Events tab shows it without counting a second conversion.
   */
  async sendMetaTestEvent(typedCode: string | undefined): Promise<ReplayOutcome | string> {
    const code = typedCode || this.config.meta.testEventCode;
    if (!this.config.meta.enabled) return 'Meta is not configured (META_PIXEL_ID, META_ACCESS_TOKEN)';
    if (!code) return 'type a test event code (Events Manager → Test events) or set META_TEST_EVENT_CODE';
    const recent = await this.journeys.recentBuiltEvent('meta', new Date(Date.now() - MAX_EVENT_AGE_MS));
    if (!recent) return 'no Meta event built in the last 7 days to re-send: let one CRM change through first';
    return this.replays.replay(
      { lifecycle_event_ids: [recent.lifecycle_event_id], test_event_code: code },
      'meta',
    );
  }
}
