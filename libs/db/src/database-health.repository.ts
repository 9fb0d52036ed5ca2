import { Inject, Injectable } from '@nestjs/common';
import { Pool } from 'pg';
import { PG_POOL } from './pg-pool';

/** Whether Postgres answers, for readiness. */
@Injectable()
export class DatabaseHealthRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Raw SQL: the cheapest round trip on the shared pool, no table touched; rejects when Postgres is down. */
  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }
}
