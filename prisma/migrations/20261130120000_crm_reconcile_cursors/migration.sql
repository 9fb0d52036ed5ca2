-- The reconciliation sweep: a cursor per CRM and record kind, and the per-record lookup of stored stages.
-- CreateTable
CREATE TABLE "crm_reconcile_cursors" (
    "provider" VARCHAR(32) NOT NULL,
    "object_type" VARCHAR(32) NOT NULL,
    "cursor" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "crm_reconcile_cursors_pkey" PRIMARY KEY ("provider","object_type")
);

-- CreateIndex
CREATE INDEX "lifecycle_events_provider_object_id_idx" ON "lifecycle_events"("provider", "object_id");
