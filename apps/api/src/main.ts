import 'reflect-metadata';
import cluster from 'node:cluster';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppConfig, ConfigError, developmentSecretsIn, integrationLines, type TrustProxy } from '@app/config';
import { AppModule } from './app.module';
import { runClusterPrimary } from './cluster/api-cluster';
import { BODY_LIMIT_BYTES, configureApp } from './configure-app';

async function bootstrap(): Promise<void> {
  // Validated in the primary too, so a bad setting fails once, before any process is forked.
  const config = AppConfig.fromEnv();
  if (cluster.isPrimary && config.processes.apiProcesses > 1) {
    runClusterPrimary(config.processes.apiProcesses, config.logLevel);
    return;
  }
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(config),
    new FastifyAdapter({ trustProxy: trustProxyOption(config.http.trustProxy), bodyLimit: BODY_LIMIT_BYTES }),
    { rawBody: true, bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  if (config.production) {
    for (const name of developmentSecretsIn(config)) {
      app
        .get(Logger)
        .warn(
          `SECURITY: ${name} is the documented development value and NODE_ENV=production: anyone who read the README can use it. Set a secret of your own.`,
        );
    }
  }
  // What this install talks to, one line each (never a secret): the first thing to check when nothing arrives.
  // Once per api, not once per forked process.
  if (!cluster.isWorker || cluster.worker?.id === 1)
    for (const line of integrationLines(config)) app.get(Logger).log(line);
  await configureApp(app, config);
  await app.listen(config.port, config.host);
  app.get(Logger).log(`api listening on ${config.host}:${config.port}`);
}

bootstrap().catch((error: unknown) => {
  // Before the logger exists (bad configuration) the reason goes to stderr, once, and the process stops.
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : ((error as Error)?.stack ?? error)}\n`,
  );
  process.exit(1);
});

/** Fastify takes a hop count as a function of the hop index (its typings omit the numeric form). */
function trustProxyOption(value: TrustProxy): string | boolean | ((address: string, hop: number) => boolean) {
  return typeof value === 'number' ? (_address, hop) => hop < value : value;
}
