-- The operator console (/admin): every overview figure is bounded by a time window and every search and list
-- reads an index, so the pages stay fast on a store of millions of touchpoints.

-- Overview funnel: touchpoints and forms received in the last 24 hours / 7 days (on the partitioned touchpoints
-- the index is created on every month's partition, and on the ones created later).
CREATE INDEX "touchpoints_received_at_idx" ON "touchpoints"("received_at");
CREATE INDEX "form_submissions_submitted_at_idx" ON "form_submissions"("submitted_at");

-- Overview counts over a window and the keyset-paged not-sent lists (newest first: created_at, id);
-- a single-status filter reads (status, created_at).
CREATE INDEX "lifecycle_events_created_at_id_idx" ON "lifecycle_events"("created_at", "id");
CREATE INDEX "lifecycle_events_status_created_at_idx" ON "lifecycle_events"("status", "created_at");
-- Journey search by CRM record id (lifecycle events: the (provider, object_id) index, every provider named).
CREATE INDEX "crm_links_crm_id_idx" ON "crm_links"("crm_id");

-- Dispatches per destination over a window, the not-sent list, and sent events over time.
CREATE INDEX "dispatches_created_at_id_idx" ON "dispatches"("created_at", "id");
CREATE INDEX "dispatches_sent_at_idx" ON "dispatches"("sent_at");
