import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { WorkerPresence } from './worker-presence';

@Module({
  imports: [TerminusModule],
  controllers: [HealthController],
  providers: [WorkerPresence],
  exports: [WorkerPresence],
})
export class HealthModule {}
