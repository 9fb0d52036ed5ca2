-- CreateTable
CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL,
    "provider" VARCHAR(32) NOT NULL,
    "tenant" VARCHAR(64),
    "scheme" VARCHAR(32) NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "event_count" INTEGER NOT NULL,
    "change_count" INTEGER NOT NULL,
    "duplicate_count" INTEGER NOT NULL,
    "body_sha256" CHAR(64) NOT NULL,

    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lifecycle_events" (
    "id" UUID NOT NULL,
    "delivery_id" UUID NOT NULL,
    "provider" VARCHAR(32) NOT NULL,
    "tenant" VARCHAR(64) NOT NULL,
    "dedupe_key" VARCHAR(128) NOT NULL,
    "object_type" VARCHAR(32) NOT NULL,
    "object_id" VARCHAR(128) NOT NULL,
    "pipeline" VARCHAR(128),
    "stage_field" VARCHAR(64) NOT NULL,
    "stage" VARCHAR(256) NOT NULL,
    "won" BOOLEAN,
    "event_name" VARCHAR(100),
    "status" VARCHAR(32) NOT NULL,
    "status_reason" VARCHAR(500),
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "value" DECIMAL(18,2),
    "currency" CHAR(3),
    "hints" JSONB NOT NULL,
    "enqueued_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lifecycle_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "webhook_deliveries_provider_received_at_idx" ON "webhook_deliveries"("provider", "received_at");

-- CreateIndex
CREATE INDEX "lifecycle_events_status_enqueued_at_created_at_idx" ON "lifecycle_events"("status", "enqueued_at", "created_at");

-- CreateIndex
CREATE INDEX "lifecycle_events_delivery_id_idx" ON "lifecycle_events"("delivery_id");

-- CreateIndex
CREATE UNIQUE INDEX "lifecycle_events_provider_dedupe_key_key" ON "lifecycle_events"("provider", "dedupe_key");

-- AddForeignKey
ALTER TABLE "lifecycle_events" ADD CONSTRAINT "lifecycle_events_delivery_id_fkey" FOREIGN KEY ("delivery_id") REFERENCES "webhook_deliveries"("id") ON DELETE CASCADE ON UPDATE CASCADE;
