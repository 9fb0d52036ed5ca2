import { Body, Controller, Get, Header, HttpCode, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '@app/config';
import { CONSOLE_CSS } from './console-css';
import { ConsoleAuthGuard } from './console-auth.guard';
import { ConsoleCsrfGuard } from './console-csrf';
import { csrfOf, requestBase, sendPage } from './console-page';
import { OverviewQuery, TestEventForm } from './console.dto';
import { ConsoleHealthService } from './health.service';
import { OverviewService } from './overview.service';
import { SetupService } from './setup.service';
import { replayOutcomeView } from './views/failures.view';
import { healthView, staleBanner } from './views/health.view';
import { overviewView } from './views/overview.view';
import { setupView } from './views/setup.view';

/** The operator console's overview, health and set-up pages (auth: the /admin hook in configure-app.ts). */
@ApiTags('console')
@ApiBasicAuth()
@ApiBearerAuth()
@UseGuards(ConsoleAuthGuard)
@Controller('admin')
export class ConsoleController {
  constructor(
    private readonly overview: OverviewService,
    private readonly health: ConsoleHealthService,
    private readonly setup: SetupService,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'Console overview: funnel, statuses, join methods, key coverage, sent over time' })
  async overviewPage(@Query() query: OverviewQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const [overview, health] = await Promise.all([
      this.overview.overview(query.window ?? '24h'),
      this.health.health(),
    ]);
    return sendPage(reply, overviewView(overview, staleBanner(health)));
  }

  @Get('health')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'Console health: api, workers, Postgres, Redis, queues, destinations and pauses' })
  async healthPage(@Res({ passthrough: true }) reply: FastifyReply) {
    return sendPage(reply, healthView(await this.health.health()));
  }

  @Get('setup')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'Console set-up: CRMs, destinations, stage map, webhook URLs (no secrets)' })
  setupPage(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return sendPage(reply, setupView(this.setup.setup(requestBase(request)), csrfOf(request, this.config)));
  }

  @Post('setup/test-event')
  @HttpCode(200)
  @UseGuards(ConsoleCsrfGuard)
  @ApiProduces('text/html')
  @ApiOperation({ summary: "Send a test event: re-send a platform's latest event in its test mode" })
  async testEvent(@Body() form: TestEventForm, @Res({ passthrough: true }) reply: FastifyReply) {
    const outcome = await this.setup.sendTestEvent(
      form.platform ?? 'meta',
      form.test_event_code || undefined,
    );
    return sendPage(reply, replayOutcomeView(outcome, '/admin/setup'));
  }

  @Get('console.css')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({ summary: "The console's stylesheet" })
  css(): string {
    return CONSOLE_CSS;
  }
}
