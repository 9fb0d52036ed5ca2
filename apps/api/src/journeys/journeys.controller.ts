import {
  Controller,
  Delete,
  Get,
  GoneException,
  HttpCode,
  NotFoundException,
  Param,
  UseGuards,
} from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ErasureRepository, JourneyRepository } from '@app/db';
import { MetricsService } from '@app/observability';
import { AdminTokenGuard } from '../common/admin-token.guard';
import { ExternalIdParam } from './external-id.param';
import { presentJourney } from './journey.presenter';

@ApiTags('journeys')
@ApiBearerAuth()
@UseGuards(AdminTokenGuard)
@Controller('v1/journeys')
export class JourneysController {
  constructor(
    private readonly journeys: JourneyRepository,
    private readonly erasure: ErasureRepository,
    private readonly metrics: MetricsService,
  ) {}

  @Get(':external_id')
  @ApiOperation({ summary: 'The journey: first/last touch, touchpoints, hashed identities, CRM links' })
  async get(@Param() params: ExternalIdParam) {
    const journey = await this.journeys.findByExternalId(params.external_id);
    if (journey) return presentJourney(journey);
    if (await this.erasure.isErased(params.external_id)) throw new GoneException('external_id was erased');
    throw new NotFoundException('external_id: no journey with this id');
  }

  @Delete(':external_id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Erase the journey (right to be forgotten); a tombstone keeps it erased' })
  async erase(@Param() params: ExternalIdParam): Promise<void> {
    const outcome = await this.erasure.erase(params.external_id);
    if (outcome === 'not_found') throw new NotFoundException('external_id: no journey with this id');
    if (outcome === 'erased') this.metrics.erasures.inc();
  }
}
