-- The worker's journey fetch reads every touchpoint of a visitor for its bot flags and campaign touches: with
-- is_bot and has_campaign carried in the (visitor_id, occurred_at) index, those reads are index-only wherever
-- the visibility map allows (every month but the current one), instead of one heap page per touchpoint.
-- INCLUDE columns are not part of the key, so Prisma's @@index([visitorId, occurredAt]) still describes it.
DROP INDEX "touchpoints_visitor_id_occurred_at_idx";
CREATE INDEX "touchpoints_visitor_id_occurred_at_idx" ON "touchpoints"("visitor_id", "occurred_at") INCLUDE ("is_bot", "has_campaign");
