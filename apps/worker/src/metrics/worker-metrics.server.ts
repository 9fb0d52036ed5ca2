import { once } from 'node:events';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '@app/config';
import { MetricsService, metricsAuthProblem } from '@app/observability';

/**
 * The worker's own /metrics on WORKER_METRICS_PORT (the worker has no Nest HTTP layer, so a bare node:http
 * server): the registry of its MetricsService (join, dispatch and Graph counters, process metrics).
 * METRICS_TOKEN, when set, is required as `Authorization: Bearer`.
 */
@Injectable()
export class WorkerMetricsServer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsServer.name);
  private server?: Server;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  async onModuleInit(): Promise<void> {
    const server = createServer((request, response) => void this.answer(request, response));
    // Keep-alive scrapes must not hold shutdown open.
    server.keepAliveTimeout = 5000;
    server.listen(this.config.processes.workerMetricsPort, this.config.host);
    await once(server, 'listening');
    this.server = server;
    const { address, port } = server.address() as AddressInfo;
    this.logger.log(`worker metrics listening on ${address}:${port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.server) return;
    const closed = once(this.server, 'close');
    this.server.close();
    this.server.closeAllConnections();
    await closed;
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (path !== '/metrics') return this.send(response, 404, 'not found\n');
    if (request.method !== 'GET' && request.method !== 'HEAD') return this.send(response, 405, 'GET only\n');
    const problem = metricsAuthProblem(request.headers.authorization, this.config.processes.metricsToken);
    if (problem) return this.send(response, 401, `${problem}\n`, { 'WWW-Authenticate': 'Bearer' });
    try {
      const text = await this.metrics.render();
      this.send(response, 200, request.method === 'HEAD' ? '' : text, {
        'Content-Type': this.metrics.registry.contentType,
      });
    } catch (error) {
      this.logger.warn(`metrics scrape failed: ${(error as Error).message}`);
      this.send(response, 500, 'metrics unavailable\n');
    }
  }

  private send(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
    response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
    response.end(body);
  }
}
