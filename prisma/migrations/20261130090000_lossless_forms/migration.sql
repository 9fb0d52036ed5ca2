-- Lossless capture (issue 11): a form keeps its good values and records the ones it left out; the visitor keeps
-- a country hint (from the browser's locale and time zone, or a server's country) for national phone numbers.

-- AlterTable
ALTER TABLE "visitors" ADD COLUMN "country_hint" VARCHAR(2);

-- AlterTable
ALTER TABLE "form_submissions" ADD COLUMN "dropped" JSONB NOT NULL DEFAULT '[]';
