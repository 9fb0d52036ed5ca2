-- Touchpoints become RANGE-partitioned by month on received_at (already part of the primary key), so
-- retention drops whole months instead of deleting rows. Partitions live in their own schema: Prisma (and
-- the schema-drift test) describe only "public", where the partitioned parent keeps its name, columns,
-- primary key, index and foreign key. Existing rows are copied once, inside this migration's transaction
-- (writes to touchpoints wait for it). UTC month boundaries; the worker creates the months ahead
-- (libs/db/src/touchpoint-partition.repository.ts names them the same way).
CREATE SCHEMA IF NOT EXISTS "touchpoint_partitions";

ALTER TABLE "touchpoints" RENAME TO "touchpoints_unpartitioned";
ALTER TABLE "touchpoints_unpartitioned" RENAME CONSTRAINT "touchpoints_pkey" TO "touchpoints_unpartitioned_pkey";
ALTER TABLE "touchpoints_unpartitioned"
    RENAME CONSTRAINT "touchpoints_visitor_id_fkey" TO "touchpoints_unpartitioned_visitor_id_fkey";
ALTER INDEX "touchpoints_visitor_id_occurred_at_idx" RENAME TO "touchpoints_unpartitioned_visitor_id_occurred_at_idx";

-- Same columns, types and defaults, in the same order.
CREATE TABLE "touchpoints" (LIKE "touchpoints_unpartitioned" INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMMENTS)
    PARTITION BY RANGE ("received_at");

-- A safety net: a row whose month has no partition yet lands here instead of failing the insert.
CREATE TABLE "touchpoint_partitions"."touchpoints_default" PARTITION OF "touchpoints" DEFAULT;

-- One partition per month from the oldest stored row to two months ahead.
DO $$
DECLARE
    first_month timestamptz := date_trunc('month', LEAST(
        COALESCE((SELECT min("received_at") FROM "touchpoints_unpartitioned"), now()), now()), 'UTC');
    last_month timestamptz := date_trunc('month', now(), 'UTC') + interval '2 months';
    month timestamptz := first_month;
BEGIN
    WHILE month <= last_month LOOP
        EXECUTE format(
            'CREATE TABLE %I.%I PARTITION OF "touchpoints" FOR VALUES FROM (%L) TO (%L)',
            'touchpoint_partitions',
            'touchpoints_p' || to_char(month AT TIME ZONE 'UTC', 'YYYYMM'),
            to_char(month AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
            to_char((month + interval '1 month') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'));
        month := month + interval '1 month';
    END LOOP;
END $$;

INSERT INTO "touchpoints" SELECT * FROM "touchpoints_unpartitioned";
DROP TABLE "touchpoints_unpartitioned";

-- Keys and indexes after the copy (one build per partition instead of row-by-row maintenance); Prisma's names.
ALTER TABLE "touchpoints" ADD CONSTRAINT "touchpoints_pkey" PRIMARY KEY ("id", "received_at");
CREATE INDEX "touchpoints_visitor_id_occurred_at_idx" ON "touchpoints"("visitor_id", "occurred_at");
ALTER TABLE "touchpoints" ADD CONSTRAINT "touchpoints_visitor_id_fkey" FOREIGN KEY ("visitor_id")
    REFERENCES "visitors"("id") ON DELETE CASCADE ON UPDATE CASCADE;
