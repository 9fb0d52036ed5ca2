-- AlterTable
ALTER TABLE "lifecycle_events" ADD COLUMN     "job_id" VARCHAR(100);
