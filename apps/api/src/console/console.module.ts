import { Module } from '@nestjs/common';
import { AdminModule } from '../admin/admin.module';
import { HealthModule } from '../health/health.module';
import { stageMapProvider } from '../webhooks/stage-map.provider';
import { ConsoleJourneysController } from './console-journeys.controller';
import { ConsoleController } from './console.controller';
import { FailuresService } from './failures.service';
import { ConsoleHealthService } from './health.service';
import { HomeController } from './home.controller';
import { JourneySearchService } from './journey-search.service';
import { OverviewService } from './overview.service';
import { SetupService } from './setup.service';

/** The operator console at /admin: server-rendered pages over the console repositories and the replay service. */
@Module({
  imports: [AdminModule, HealthModule],
  controllers: [ConsoleController, ConsoleJourneysController, HomeController],
  providers: [
    OverviewService,
    ConsoleHealthService,
    SetupService,
    JourneySearchService,
    FailuresService,
    stageMapProvider,
  ],
})
export class ConsoleModule {}
