import { Module } from '@nestjs/common';
import { AdminListingsController } from './admin-listings.controller';
import { ReplaysController } from './replays.controller';
import { ReplayService } from './replay.service';

/** Admin operations: replays to Meta and the lifecycle-event and dispatch listings. */
@Module({
  controllers: [ReplaysController, AdminListingsController],
  providers: [ReplayService],
  exports: [ReplayService],
})
export class AdminModule {}
