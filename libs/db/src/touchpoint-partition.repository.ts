import { Inject, Injectable } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { PG_POOL } from './pg-pool';

// Raw SQL throughout: partition DDL and the catalog are beyond Prisma's client.

/** Where the monthly partitions of `touchpoints` live (Prisma models only "public"). */
export const TOUCHPOINT_PARTITION_SCHEMA = 'touchpoint_partitions';
export const TOUCHPOINT_DEFAULT_PARTITION = 'touchpoints_default';

/** Serialises partition DDL between worker replicas (any constant: it only has to be the same everywhere). */
const PARTITION_LOCK_KEY = 0x70617274; // "part"

/** The first instant (UTC) of the month `offset` months after `date`'s. */
export const utcMonthStart = (date: Date, offset = 0): Date =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + offset, 1));

/** touchpoints_pYYYYMM: the name migration 20261130120000_touchpoints_partitioned gives a month, too. */
export const touchpointPartitionName = (month: Date): string =>
  `touchpoints_p${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

export interface TouchpointPartition {
  name: string;
  /** Bounds (from inclusive, to exclusive); null for the DEFAULT partition. */
  from: Date | null;
  to: Date | null;
}

@Injectable()
export class TouchpointPartitionRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Every partition of touchpoints, oldest first, the DEFAULT partition last. */
  async list(client: Pool | PoolClient = this.pool): Promise<TouchpointPartition[]> {
    const { rows } = await client.query<TouchpointPartition>(
      `SELECT c.relname AS name,
              substring(pg_get_expr(c.relpartbound, c.oid) FROM 'FROM \\(''([^'']+)''\\)')::timestamptz AS "from",
              substring(pg_get_expr(c.relpartbound, c.oid) FROM 'TO \\(''([^'']+)''\\)')::timestamptz AS "to"
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
       WHERE i.inhparent = 'public.touchpoints'::regclass AND c.relnamespace = $1::regnamespace
       ORDER BY 2 NULLS LAST`,
      [TOUCHPOINT_PARTITION_SCHEMA],
    );
    return rows;
  }

  /**
   * Creates the partitions of `count` months from `from`'s month (UTC) that do not exist yet; returns their
   * names. Rows already sitting in the DEFAULT partition for such a month are moved into it.
   */
  async ensureMonths(from: Date, count: number): Promise<string[]> {
    const created: string[] = [];
    for (let offset = 0; offset < count; offset++) {
      const month = utcMonthStart(from, offset);
      if (await this.createMonth(month, utcMonthStart(month, 1)))
        created.push(touchpointPartitionName(month));
    }
    return created;
  }

  /** Detaches and drops every monthly partition that ends at or before `cutoff`; returns their names. */
  async dropMonthsBefore(cutoff: Date): Promise<string[]> {
    return this.inTransaction(async (client) => {
      // Under the lock, so two replicas never both drop the same month.
      await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK_KEY]);
      // Detaching locks the parent: wait a bounded time behind ingest rather than queueing it behind us.
      await client.query(`SET LOCAL lock_timeout = '10s'`);
      const expired = (await this.list(client)).filter((partition) => partition.to && partition.to <= cutoff);
      for (const { name } of expired) {
        const table = this.qualified(client, name);
        await client.query(`ALTER TABLE public.touchpoints DETACH PARTITION ${table}`);
        await client.query(`DROP TABLE ${table}`);
      }
      return expired.map((partition) => partition.name);
    });
  }

  /**
   * Deletes up to `limit` rows of the DEFAULT partition received before `before` (a month start: whole months
   * only, as for partitions); returns how many went. Rows land there only when their month had no partition.
   */
  async deleteDefaultRowsBefore(before: Date, limit: number): Promise<number> {
    const table = `${TOUCHPOINT_PARTITION_SCHEMA}.${TOUCHPOINT_DEFAULT_PARTITION}`;
    const { rowCount } = await this.pool.query(
      `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE received_at < $1 LIMIT $2))`,
      [before, limit],
    );
    return rowCount ?? 0;
  }

  private async createMonth(from: Date, to: Date): Promise<boolean> {
    const name = touchpointPartitionName(from);
    return this.inTransaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [PARTITION_LOCK_KEY]);
      const exists = await client.query(`SELECT to_regclass($1) IS NOT NULL AS found`, [
        `${TOUCHPOINT_PARTITION_SCHEMA}.${name}`,
      ]);
      if (exists.rows[0].found) return false;
      const table = this.qualified(client, name);
      const bounds = `FROM (${client.escapeLiteral(from.toISOString())}) TO (${client.escapeLiteral(to.toISOString())})`;
      const stray = await client.query(
        `SELECT 1 FROM ${this.qualified(client, TOUCHPOINT_DEFAULT_PARTITION)}
         WHERE received_at >= $1 AND received_at < $2 LIMIT 1`,
        [from, to],
      );
      if (!stray.rowCount) {
        await client.query(`CREATE TABLE ${table} PARTITION OF public.touchpoints FOR VALUES ${bounds}`);
        return true;
      }
      // Postgres refuses a partition whose rows sit in DEFAULT: move them into a new table, then attach it.
      await client.query(
        `CREATE TABLE ${table} (LIKE public.touchpoints INCLUDING DEFAULTS INCLUDING STORAGE)`,
      );
      await client.query(
        `WITH moved AS (
           DELETE FROM ${this.qualified(client, TOUCHPOINT_DEFAULT_PARTITION)}
           WHERE received_at >= $1 AND received_at < $2 RETURNING *)
         INSERT INTO ${table} SELECT * FROM moved`,
        [from, to],
      );
      await client.query(`ALTER TABLE public.touchpoints ATTACH PARTITION ${table} FOR VALUES ${bounds}`);
      return true;
    });
  }

  private qualified(client: PoolClient, name: string): string {
    return `${client.escapeIdentifier(TOUCHPOINT_PARTITION_SCHEMA)}.${client.escapeIdentifier(name)}`;
  }

  private async inTransaction<T>(run: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await run(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
