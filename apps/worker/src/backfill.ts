// `npm run crm:backfill -- --crm <hubspot|gohighlevel|salesforce> --since <7d|ISO date>`: the reconciliation
// sweep of one CRM from a given time, run once in this process (no Redis needed): what a new install uses to
// pick up the last week. Changes already stored are recognised as in any sweep, new ones are stored with
// source `backfill`; it reads to the end of the window; the CRM's cursor only moves forward.
import 'reflect-metadata';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppConfig, ConfigError, ConfigModule } from '@app/config';
import { crmDisplayName, loadStageMap, StageMap } from '@app/crm';
import { DatabaseModule } from '@app/db';
import { LoggingModule, ObservabilityModule } from '@app/observability';
import { crmApiProviders } from './crm-api.providers';
import { BackfillUsageError, parseBackfillArgs } from './reconcile/backfill-args';
import { CrmReconciler } from './reconcile/crm-reconciler';

/** What a CRM needs set before it can be swept. */
const CREDENTIALS: Record<string, string> = {
  hubspot: 'HUBSPOT_ACCESS_TOKEN',
  gohighlevel: 'GHL_API_TOKEN and GHL_LOCATION_ID',
  salesforce: 'SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET',
};

@Module({})
class BackfillModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: BackfillModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot({ http: false }),
        ObservabilityModule,
        DatabaseModule,
      ],
      providers: [
        CrmReconciler,
        { provide: StageMap, useFactory: () => loadStageMap(config.stageMapFile) },
        ...crmApiProviders(config),
      ],
    };
  }
}

/** Exit code: 0 done, 1 the sweep failed, 2 bad arguments or configuration. */
export async function main(argv: readonly string[]): Promise<number> {
  let args;
  let config;
  try {
    args = parseBackfillArgs(argv);
    config = AppConfig.fromEnv();
  } catch (error) {
    if (!(error instanceof BackfillUsageError || error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const app = await NestFactory.createApplicationContext(BackfillModule.forRoot(config), {
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoLogger));
  const logger = new Logger('CrmBackfill');
  try {
    const reconciler = app.get(CrmReconciler);
    if (!reconciler.providers.includes(args.crm)) {
      logger.error(`${crmDisplayName(args.crm)} cannot be swept: set ${CREDENTIALS[args.crm]}`);
      return 2;
    }
    logger.log(`${crmDisplayName(args.crm)} backfill from ${args.since.toISOString()}`);
    const outcome = (await reconciler.sweep({ crm: args.crm, since: args.since, source: 'backfill' })).get(
      args.crm,
    )!;
    logger.log(
      `${crmDisplayName(args.crm)} backfill done: ${outcome.found} changes found, ${outcome.stored} stored, ` +
        `${outcome.known} already known, ${outcome.unmapped} unmapped`,
    );
    return 0;
  } catch (error) {
    logger.error(`backfill failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await app.close();
  }
}
