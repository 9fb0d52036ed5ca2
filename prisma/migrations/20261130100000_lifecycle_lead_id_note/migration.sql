-- AlterTable
ALTER TABLE "lifecycle_events" ADD COLUMN     "lead_id" VARCHAR(64),
ADD COLUMN     "note" VARCHAR(500);
