-- Retention deletes old destination_requests; the request_id foreign key (ON DELETE SET NULL) without an
-- index is a scan of dispatches per deleted request.
CREATE INDEX "dispatches_request_id_idx" ON "dispatches"("request_id");
