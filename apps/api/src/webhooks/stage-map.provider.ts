import { Inject, Provider } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { loadStageMap } from '@app/crm';

const STAGE_MAP = Symbol('STAGE_MAP');

export const InjectStageMap = () => Inject(STAGE_MAP);

/** Built-in stage defaults plus STAGE_MAP_FILE, validated when the app starts (a bad file stops start-up). */
export const stageMapProvider: Provider = {
  provide: STAGE_MAP,
  inject: [AppConfig],
  useFactory: (config: AppConfig) => loadStageMap(config.stageMapFile),
};
