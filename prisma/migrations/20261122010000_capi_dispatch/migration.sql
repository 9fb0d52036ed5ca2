-- AlterTable
ALTER TABLE "lifecycle_events" ADD COLUMN     "enqueue_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "event_id" VARCHAR(128),
ADD COLUMN     "join_method" VARCHAR(32),
ADD COLUMN     "visitor_id" UUID;

-- CreateTable
CREATE TABLE "capi_events" (
    "id" UUID NOT NULL,
    "lifecycle_event_id" UUID NOT NULL,
    "destination" VARCHAR(32) NOT NULL,
    "event_id" VARCHAR(128) NOT NULL,
    "event_name" VARCHAR(100) NOT NULL,
    "status" VARCHAR(16) NOT NULL,
    "status_reason" VARCHAR(1000),
    "payload" JSONB NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "test_event_code" VARCHAR(64),
    "sent_at" TIMESTAMPTZ(3),
    "request_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "capi_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "capi_requests" (
    "id" UUID NOT NULL,
    "destination" VARCHAR(32) NOT NULL,
    "event_count" INTEGER NOT NULL,
    "request_body" JSONB NOT NULL,
    "response_status" INTEGER NOT NULL,
    "response_body" JSONB,
    "outcome" VARCHAR(16) NOT NULL,
    "fbtrace_id" VARCHAR(64),
    "duration_ms" INTEGER NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "capi_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "capi_destination_pauses" (
    "destination" VARCHAR(32) NOT NULL,
    "token_fingerprint" CHAR(64) NOT NULL,
    "reason" VARCHAR(1000) NOT NULL,
    "paused_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "capi_destination_pauses_pkey" PRIMARY KEY ("destination")
);

-- CreateIndex
CREATE INDEX "capi_events_status_destination_idx" ON "capi_events"("status", "destination");

-- CreateIndex
CREATE UNIQUE INDEX "capi_events_lifecycle_event_id_destination_key" ON "capi_events"("lifecycle_event_id", "destination");

-- CreateIndex
CREATE UNIQUE INDEX "capi_events_destination_event_id_key" ON "capi_events"("destination", "event_id");

-- CreateIndex
CREATE INDEX "capi_requests_destination_created_at_idx" ON "capi_requests"("destination", "created_at");

-- CreateIndex
CREATE INDEX "lifecycle_events_visitor_id_idx" ON "lifecycle_events"("visitor_id");

-- AddForeignKey
ALTER TABLE "lifecycle_events" ADD CONSTRAINT "lifecycle_events_visitor_id_fkey" FOREIGN KEY ("visitor_id") REFERENCES "visitors"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "capi_events" ADD CONSTRAINT "capi_events_lifecycle_event_id_fkey" FOREIGN KEY ("lifecycle_event_id") REFERENCES "lifecycle_events"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "capi_events" ADD CONSTRAINT "capi_events_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "capi_requests"("id") ON DELETE SET NULL ON UPDATE CASCADE;
