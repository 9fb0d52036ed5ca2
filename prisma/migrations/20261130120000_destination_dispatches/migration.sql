-- Meta's CAPI tables become per-destination tables (Meta, Google Ads, TikTok, LinkedIn). Renames only: every row,
-- id and audit link (dispatch -> request) is kept; existing rows are Meta's (platform default 'meta').

-- capi_requests -> destination_requests
ALTER TABLE "capi_requests" RENAME TO "destination_requests";
ALTER TABLE "destination_requests" RENAME CONSTRAINT "capi_requests_pkey" TO "destination_requests_pkey";
ALTER TABLE "destination_requests" RENAME COLUMN "fbtrace_id" TO "trace_id";
ALTER TABLE "destination_requests" ALTER COLUMN "trace_id" TYPE VARCHAR(128);
ALTER TABLE "destination_requests" ALTER COLUMN "destination" TYPE VARCHAR(64);
ALTER TABLE "destination_requests" ADD COLUMN "platform" VARCHAR(16) NOT NULL DEFAULT 'meta',
  ADD COLUMN "processing_status" VARCHAR(32),
  ADD COLUMN "processing_errors" JSONB,
  ADD COLUMN "processing_checked_at" TIMESTAMPTZ(3);
DROP INDEX "capi_requests_destination_created_at_idx";
CREATE INDEX "destination_requests_platform_destination_created_at_idx"
  ON "destination_requests"("platform", "destination", "created_at");

-- capi_events -> dispatches
ALTER TABLE "capi_events" RENAME TO "dispatches";
ALTER TABLE "dispatches" RENAME CONSTRAINT "capi_events_pkey" TO "dispatches_pkey";
ALTER TABLE "dispatches" RENAME CONSTRAINT "capi_events_lifecycle_event_id_fkey" TO "dispatches_lifecycle_event_id_fkey";
ALTER TABLE "dispatches" RENAME CONSTRAINT "capi_events_request_id_fkey" TO "dispatches_request_id_fkey";
ALTER TABLE "dispatches" ALTER COLUMN "destination" TYPE VARCHAR(64);
ALTER TABLE "dispatches" ALTER COLUMN "payload" DROP NOT NULL;
ALTER TABLE "dispatches" ADD COLUMN "platform" VARCHAR(16) NOT NULL DEFAULT 'meta';
DROP INDEX "capi_events_status_destination_idx";
DROP INDEX "capi_events_lifecycle_event_id_destination_key";
DROP INDEX "capi_events_destination_event_id_key";
CREATE INDEX "dispatches_status_platform_destination_idx" ON "dispatches"("status", "platform", "destination");
CREATE UNIQUE INDEX "dispatches_lifecycle_event_id_platform_destination_key"
  ON "dispatches"("lifecycle_event_id", "platform", "destination");
CREATE UNIQUE INDEX "dispatches_platform_destination_event_id_key"
  ON "dispatches"("platform", "destination", "event_id");

-- capi_destination_pauses -> destination_pauses, keyed by platform and destination
ALTER TABLE "capi_destination_pauses" RENAME TO "destination_pauses";
ALTER TABLE "destination_pauses" DROP CONSTRAINT "capi_destination_pauses_pkey";
ALTER TABLE "destination_pauses" ALTER COLUMN "destination" TYPE VARCHAR(64);
ALTER TABLE "destination_pauses" ADD COLUMN "platform" VARCHAR(16) NOT NULL DEFAULT 'meta';
ALTER TABLE "destination_pauses" ADD CONSTRAINT "destination_pauses_pkey" PRIMARY KEY ("platform", "destination");

-- The default only backfilled Meta's rows: every new row names its platform.
ALTER TABLE "dispatches" ALTER COLUMN "platform" DROP DEFAULT;
ALTER TABLE "destination_requests" ALTER COLUMN "platform" DROP DEFAULT;
ALTER TABLE "destination_pauses" ALTER COLUMN "platform" DROP DEFAULT;
