import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '@app/config';
import { AdminRepository } from './admin.repository';
import { ConsoleJourneysRepository } from './console-journeys.repository';
import { ConsoleStatsRepository } from './console-stats.repository';
import { DispatchRepository } from './dispatch.repository';
import { DestinationRequestRepository } from './destination-request.repository';
import { CrmReconcileRepository } from './crm-reconcile.repository';
import { DatabaseHealthRepository } from './database-health.repository';
import { ErasureRepository } from './erasure.repository';
import { FormSubmissionRepository } from './form-submission.repository';
import { JourneyRepository } from './journey.repository';
import { LifecycleJoinRepository } from './lifecycle-join.repository';
import { LifecycleBatchRepository } from './lifecycle-batch.repository';
import { LifecycleRelayRepository } from './lifecycle-relay.repository';
import { RetentionRepository } from './retention.repository';
import { TouchpointPartitionRepository } from './touchpoint-partition.repository';
import { TouchpointRepository } from './touchpoint.repository';
import { WebhookInboxRepository } from './webhook-inbox.repository';
import { PG_POOL } from './pg-pool';
import { PipelineStatsRepository } from './pipeline-stats.repository';
import { PrismaService } from './prisma.service';

const poolLogger = new Logger('PgPool');

@Injectable()
class PoolCloser implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

const repositories = [
  TouchpointRepository,
  TouchpointPartitionRepository,
  RetentionRepository,
  FormSubmissionRepository,
  JourneyRepository,
  ErasureRepository,
  WebhookInboxRepository,
  LifecycleRelayRepository,
  LifecycleJoinRepository,
  LifecycleBatchRepository,
  DispatchRepository,
  DestinationRequestRepository,
  AdminRepository,
  PipelineStatsRepository,
  DatabaseHealthRepository,
  ConsoleStatsRepository,
  ConsoleJourneysRepository,
  CrmReconcileRepository,
];

@Global()
@Module({
  providers: [
    {
      provide: PG_POOL,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const pool = new Pool({
          connectionString: config.databaseUrl,
          max: 20,
          connectionTimeoutMillis: 5000,
        });
        // An idle client losing its connection emits 'error'; unhandled it would crash the process. The pool
        // drops that client and the next query reconnects.
        pool.on('error', (error) => poolLogger.warn(`idle Postgres connection lost: ${error.message}`));
        // A connection cut while checked out (server restart, pg_terminate_backend) emits 'error' on its
        // client; without a listener that would crash the process. The query in flight fails normally and
        // the pool discards the client.
        pool.on('connect', (client) =>
          client.on('error', (error) => poolLogger.warn(`Postgres connection lost: ${error.message}`)),
        );
        return pool;
      },
    },
    PrismaService,
    PoolCloser,
    ...repositories,
  ],
  exports: [PG_POOL, PrismaService, ...repositories],
})
export class DatabaseModule {}
