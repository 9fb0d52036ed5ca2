import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AdminTokenGuard } from '../common/admin-token.guard';
import { ReplayBody } from './admin.dto';
import { ReplayOutcome, ReplayService } from './replay.service';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('v1/admin/replays')
export class ReplaysController {
  constructor(private readonly replays: ReplayService) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Send lifecycle events to Meta again (same event_id), by ids and/or filter; optional test_event_code',
  })
  replay(@Body() body: ReplayBody): Promise<ReplayOutcome> {
    return this.replays.replay(body);
  }
}
