-- Linked journeys: which visitors contributed to each CAPI event, and the match keys their journeys knew
-- (compared with the keys sent by the coverage gauges).
ALTER TABLE "capi_events" ADD COLUMN     "contributor_visitor_ids" UUID[] DEFAULT ARRAY[]::UUID[],
ADD COLUMN     "known_keys" VARCHAR(32)[] DEFAULT ARRAY[]::VARCHAR(32)[];
