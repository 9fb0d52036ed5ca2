import { Controller, Get, Header, Headers, UnauthorizedException } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AppConfig } from '@app/config';
import { metricsAuthProblem } from '@app/observability';
import { ClusterMetrics } from './cluster-metrics';

@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: ClusterMetrics,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'Prometheus metrics: counters, histograms, pipeline gauges, queue depth' })
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  render(@Headers('authorization') authorization?: string): Promise<string> {
    const problem = metricsAuthProblem(authorization, this.config.processes.metricsToken);
    if (problem) throw new UnauthorizedException(problem);
    return this.metrics.render();
  }
}
