-- Retention deletes old destination requests; each one sets its events' request_id to null, which without an
-- index is a scan of capi_events per deleted request.
CREATE INDEX "capi_events_request_id_idx" ON "capi_events"("request_id");
