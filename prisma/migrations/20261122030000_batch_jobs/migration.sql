-- AlterTable
ALTER TABLE "lifecycle_events" ADD COLUMN     "job_id" VARCHAR(100);

-- AlterTable
ALTER TABLE "capi_events" ADD COLUMN     "job_id" VARCHAR(100);
