import {
  Body,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '@app/config';
import { ReplayService } from '../admin/replay.service';
import { ExternalIdParam } from '../journeys/external-id.param';
import { ConsoleAuthGuard } from './console-auth.guard';
import { ConsoleCsrfGuard } from './console-csrf';
import { csrfOf, safeBack, sendPage } from './console-page';
import { EventIdPath, FailuresQuery, ReplayForm, SearchForm } from './console.dto';
import { FailuresService } from './failures.service';
import { JourneySearchService } from './journey-search.service';
import { eventView } from './views/event.view';
import { failuresView, replayOutcomeView } from './views/failures.view';
import { journeysView } from './views/journeys.view';
import { timelineView } from './views/timeline.view';
import { query } from './views/html';

/** Journey search and timeline, single lifecycle events, the not-sent lists and replays. */
@ApiTags('console')
@ApiBasicAuth()
@ApiBearerAuth()
@UseGuards(ConsoleAuthGuard)
@Controller('admin')
export class ConsoleJourneysController {
  constructor(
    private readonly search: JourneySearchService,
    private readonly failures: FailuresService,
    private readonly replays: ReplayService,
    private readonly config: AppConfig,
  ) {}

  @Get('journeys')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'Console journey search form' })
  form(@Res({ passthrough: true }) reply: FastifyReply) {
    return sendPage(reply, journeysView());
  }

  @Post('journeys/search')
  @HttpCode(200)
  @ApiProduces('text/html')
  @ApiOperation({
    summary: 'Search journeys by external_id, CRM record id, or email/phone (hashed, never kept)',
  })
  async find(@Body() form: SearchForm, @Res({ passthrough: true }) reply: FastifyReply) {
    return sendPage(reply, journeysView(await this.search.find(form.q)));
  }

  @Get('journeys/:external_id')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'Console journey timeline: touchpoints, forms, lifecycle events, dispatches' })
  async timeline(
    @Param() params: ExternalIdParam,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const found = await this.search.timeline(params.external_id);
    if (!found) throw new NotFoundException('external_id: no journey with this id');
    return sendPage(reply, timelineView(found.journey, found.requests, csrfOf(request, this.config)));
  }

  @Get('events/:id')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'Console lifecycle event: status, reason, dispatches and replay' })
  async event(
    @Param() params: EventIdPath,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const event = await this.search.event(params.id);
    if (!event) throw new NotFoundException('id: no lifecycle event with this id');
    const ids = event.detail.dispatches.flatMap((d) => (d.request_id ? [d.request_id] : []));
    return sendPage(reply, eventView(event, await this.search.requestsOf(ids), csrfOf(request, this.config)));
  }

  @Get('failures')
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'Console not-sent lifecycle events and dispatches, filtered and keyset-paged' })
  async failuresPage(
    @Query() q: FailuresQuery,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const filter = {
      status: q.status || undefined,
      provider: q.provider || undefined,
      eventName: q.event_name || undefined,
      platform: q.platform || undefined,
      cursor: q.cursor,
      dcursor: q.dcursor,
    };
    const back = `/admin/failures${query({ status: filter.status, provider: filter.provider, event_name: filter.eventName, platform: filter.platform })}`;
    const page = failuresView(
      await this.failures.failures(filter),
      filter,
      csrfOf(request, this.config),
      back,
    );
    return sendPage(reply, page);
  }

  @Post('replay')
  @HttpCode(200)
  @UseGuards(ConsoleCsrfGuard)
  @ApiProduces('text/html')
  @ApiOperation({ summary: 'Replay one lifecycle event from the console (optional test event code)' })
  async replay(@Body() form: ReplayForm, @Res({ passthrough: true }) reply: FastifyReply) {
    const outcome = await this.replays.replay({
      lifecycle_event_ids: [form.lifecycle_event_id],
      test_event_code: form.test_event_code || undefined,
    });
    return sendPage(reply, replayOutcomeView(outcome, safeBack(form.back, '/admin/failures')));
  }
}
