-- AlterTable
ALTER TABLE "capi_events" ADD COLUMN     "last_replayed_at" TIMESTAMPTZ(3),
ADD COLUMN     "replay_count" INTEGER NOT NULL DEFAULT 0;
