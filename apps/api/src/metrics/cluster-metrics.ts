import cluster from 'node:cluster';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AggregatorRegistry } from 'prom-client';
import { MetricsService } from '@app/observability';
import {
  isMetricsResponse,
  METRICS_REQUEST,
  type MetricsRequest,
  type MetricsResponse,
} from '../cluster/cluster-messages';

/** Above prom-client's own 5 s limit for collecting from every process. */
const REQUEST_TIMEOUT_MS = 7000;

/**
 * What /metrics shows: this process's registry when it runs alone; under node:cluster (API_PROCESSES > 1),
 * every api process's, aggregated by the primary (counters and histograms summed; the pipeline gauges,
 * which each process reads from the same rows, taken once).
 */
@Injectable()
export class ClusterMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly clustered = cluster.isWorker && typeof process.send === 'function';
  private readonly pending = new Map<number, (response: MetricsResponse) => void>();
  private nextId = 0;
  private readonly onMessage = (message: unknown) => {
    if (isMetricsResponse(message)) this.pending.get(message.id)?.(message);
  };

  constructor(private readonly metrics: MetricsService) {}

  onModuleInit(): void {
    if (!this.clustered) return;
    // Constructing an AggregatorRegistry in a cluster worker installs prom-client's answer to the primary's
    // collection requests; it answers with our registry (not prom-client's global one).
    AggregatorRegistry.setRegistries([this.metrics.registry]);
    new AggregatorRegistry();
    process.on('message', this.onMessage);
  }

  onModuleDestroy(): void {
    process.off('message', this.onMessage);
  }

  render(): Promise<string> {
    if (!this.clustered) return this.metrics.render();
    const id = this.nextId++;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error('the cluster primary did not answer for metrics'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, (response) => {
        clearTimeout(timer);
        this.pending.delete(id);
        if (response.metrics !== undefined) resolve(response.metrics);
        else reject(new Error(`aggregating metrics failed: ${response.error}`));
      });
      const request: MetricsRequest = { type: METRICS_REQUEST, id };
      process.send!(request);
    });
  }
}
