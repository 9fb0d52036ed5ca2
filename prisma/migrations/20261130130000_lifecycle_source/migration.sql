-- Who found each stored lifecycle change: webhook (every row so far), reconcile (the scheduled sweep) or backfill.
-- A constant default: Postgres adds the column without rewriting the table.
-- AlterTable
ALTER TABLE "lifecycle_events" ADD COLUMN     "source" VARCHAR(16) NOT NULL DEFAULT 'webhook';
