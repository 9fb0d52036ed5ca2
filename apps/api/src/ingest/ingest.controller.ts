import { Body, Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { IngestAuthGuard, type IngestRequest } from '../common/ingest-auth.guard';
import { FormDto, FormRecordedDto } from './dto/form.dto';
import { TouchpointDto, TouchpointRecordedDto } from './dto/touchpoint.dto';
import { FormService } from './form.service';
import { IngestThrottlerGuard } from './limits/ingest-throttler.guard';
import { TouchpointService } from './touchpoint.service';

@ApiTags('ingest')
@ApiHeader({ name: 'X-Api-Key', required: false, description: 'Server-to-server calls; browsers use CORS' })
@ApiTooManyRequestsResponse({
  description: 'Rate limit reached (per API key or per client IP); see Retry-After',
})
// Authentication first (the rate limit counts per API key or per client IP), then the limit.
@UseGuards(IngestAuthGuard, IngestThrottlerGuard)
@Controller('v1')
export class IngestController {
  constructor(
    private readonly touchpoints: TouchpointService,
    private readonly forms: FormService,
  ) {}

  @Post('touchpoints')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record one touchpoint (creates the visitor if needed)' })
  @ApiCreatedResponse({ type: TouchpointRecordedDto })
  recordTouchpoint(
    @Body() body: TouchpointDto,
    @Req() request: IngestRequest,
  ): Promise<TouchpointRecordedDto> {
    return this.touchpoints.record(body, request.ingestCaller!);
  }

  @Post('forms')
  @HttpCode(201)
  @ApiOperation({ summary: 'Record a form submission; contact fields are hashed on arrival' })
  @ApiCreatedResponse({ type: FormRecordedDto })
  recordForm(@Body() body: FormDto, @Req() request: IngestRequest): Promise<FormRecordedDto> {
    return this.forms.record(body, request.ingestCaller!);
  }
}
