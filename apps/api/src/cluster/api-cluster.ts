import cluster, { type Worker } from 'node:cluster';
import pino from 'pino';
import { AggregatorRegistry } from 'prom-client';
import { isMetricsRequest, METRICS_RESPONSE, type MetricsResponse } from './cluster-messages';

/** A crashed api process is replaced after this pause, so a crash loop does not spin the CPU. */
const RESTART_DELAY_MS = 1000;
/** Past this after SIGTERM, processes still running are killed (an orchestrator's own grace is longer). */
const STOP_TIMEOUT_MS = 25_000;

/**
 * The cluster primary (API_PROCESSES > 1): forks the api processes, which share the listening port, and
 * serves no HTTP itself. It replaces a process that crashes once serving; one that dies before it ever
 * listened means the api cannot start (port taken, database down at boot), so the whole api stops, as a
 * single process would. SIGTERM/SIGINT are passed on to every process (each drains as Nest shuts down) and
 * the primary exits once they have. It also aggregates /metrics: a process asked for them sends a request
 * here, and prom-client's AggregatorRegistry collects every process's registry.
 */
export function runClusterPrimary(processes: number, logLevel: string): void {
  const logger = pino({ level: logLevel, base: { pid: process.pid, context: 'ApiCluster' } });
  const aggregator = new AggregatorRegistry();
  const listened = new Set<number>();
  const live = new Set<Worker>();
  let stopping = false;
  let exitCode = 0;

  const fork = () => {
    if (stopping) return;
    const worker = cluster.fork();
    live.add(worker);
  };

  const stop = (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    exitCode = code;
    logger.info(`${reason}: stopping ${live.size} api processes`);
    if (!live.size) process.exit(code);
    for (const worker of live) worker.process.kill('SIGTERM');
    setTimeout(() => {
      logger.warn(`api processes still running after ${STOP_TIMEOUT_MS} ms: killed`);
      for (const worker of live) worker.process.kill('SIGKILL');
      process.exit(1);
    }, STOP_TIMEOUT_MS).unref();
  };

  cluster.on('listening', (worker) => listened.add(worker.id));
  cluster.on('exit', (worker, code, signal) => {
    live.delete(worker);
    if (stopping) {
      if (!live.size) process.exit(exitCode);
      return;
    }
    if (!listened.has(worker.id)) {
      logger.error(`api process ${worker.process.pid} exited (${signal ?? code}) before listening`);
      stop('start-up failed', 1);
      return;
    }
    logger.error(`api process ${worker.process.pid} exited (${signal ?? code}): starting another`);
    setTimeout(fork, RESTART_DELAY_MS);
  });
  cluster.on('message', (worker, message: unknown) => {
    if (!isMetricsRequest(message)) return;
    const reply = (answer: Omit<MetricsResponse, 'type' | 'id'>) => {
      if (worker.isConnected()) worker.send({ type: METRICS_RESPONSE, id: message.id, ...answer });
    };
    aggregator.clusterMetrics().then(
      (metrics) => reply({ metrics }),
      (error: Error) => reply({ error: error.message }),
    );
  });

  process.on('SIGTERM', () => stop('SIGTERM', 0));
  process.on('SIGINT', () => stop('SIGINT', 0));
  for (let i = 0; i < processes; i++) fork();
  logger.info(`api cluster primary: ${processes} processes`);
}
