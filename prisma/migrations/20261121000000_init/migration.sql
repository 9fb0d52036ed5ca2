-- CreateTable
CREATE TABLE "visitors" (
    "id" UUID NOT NULL,
    "external_id" VARCHAR(128) NOT NULL,
    "anonymous_id" VARCHAR(128),
    "first_fbc" VARCHAR(600),
    "first_fbc_at" TIMESTAMPTZ(3),
    "last_fbc" VARCHAR(600),
    "last_fbclid" VARCHAR(512),
    "first_fbp" VARCHAR(128),
    "first_ip" INET,
    "first_user_agent" VARCHAR(1024),
    "last_ip" INET,
    "last_user_agent" VARCHAR(1024),
    "consent" JSONB,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "visitors_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "touchpoints" (
    "id" UUID NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "visitor_id" UUID NOT NULL,
    "event_name" VARCHAR(100) NOT NULL,
    "event_id" VARCHAR(128) NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "source" VARCHAR(16) NOT NULL,
    "url" VARCHAR(8192) NOT NULL,
    "referrer" VARCHAR(8192),
    "utm_source" VARCHAR(512),
    "utm_medium" VARCHAR(512),
    "utm_campaign" VARCHAR(512),
    "utm_term" VARCHAR(512),
    "utm_content" VARCHAR(512),
    "utm_id" VARCHAR(512),
    "fbclid" VARCHAR(512),
    "gclid" VARCHAR(512),
    "gbraid" VARCHAR(512),
    "wbraid" VARCHAR(512),
    "ttclid" VARCHAR(512),
    "msclkid" VARCHAR(512),
    "li_fat_id" VARCHAR(512),
    "has_campaign" BOOLEAN NOT NULL,
    "fbc" VARCHAR(600),
    "fbc_created_at" TIMESTAMPTZ(3),
    "fbp" VARCHAR(128),
    "ip" INET,
    "user_agent" VARCHAR(1024),
    "consent" JSONB,
    "is_bot" BOOLEAN NOT NULL,
    "bot_reason" VARCHAR(64),
    "properties" JSONB,

    CONSTRAINT "touchpoints_pkey" PRIMARY KEY ("id","received_at")
);

-- CreateTable
CREATE TABLE "identities" (
    "id" UUID NOT NULL,
    "key_type" VARCHAR(16) NOT NULL,
    "hash" CHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "identities_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "visitor_identities" (
    "visitor_id" UUID NOT NULL,
    "identity_id" UUID NOT NULL,
    "first_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "visitor_identities_pkey" PRIMARY KEY ("visitor_id","identity_id")
);

-- CreateTable
CREATE TABLE "crm_links" (
    "id" UUID NOT NULL,
    "visitor_id" UUID NOT NULL,
    "provider" VARCHAR(32) NOT NULL,
    "object_type" VARCHAR(32) NOT NULL,
    "crm_id" VARCHAR(128) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "crm_links_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "form_submissions" (
    "id" UUID NOT NULL,
    "visitor_id" UUID NOT NULL,
    "event_name" VARCHAR(100) NOT NULL,
    "event_id" VARCHAR(128) NOT NULL,
    "lead_id" VARCHAR(32),
    "key_types" VARCHAR(16)[],
    "fields" JSONB,
    "consent" JSONB,
    "source" VARCHAR(16) NOT NULL,
    "ip" INET,
    "user_agent" VARCHAR(1024),
    "submitted_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "form_submissions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "erasure_tombstones" (
    "key_type" VARCHAR(64) NOT NULL,
    "key_hash" CHAR(64) NOT NULL,
    "erased_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "erasure_tombstones_pkey" PRIMARY KEY ("key_type","key_hash")
);

-- CreateIndex
CREATE UNIQUE INDEX "visitors_external_id_key" ON "visitors"("external_id");

-- CreateIndex
CREATE INDEX "visitors_anonymous_id_idx" ON "visitors"("anonymous_id");

-- CreateIndex
CREATE INDEX "touchpoints_visitor_id_occurred_at_idx" ON "touchpoints"("visitor_id", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "identities_hash_key_type_key" ON "identities"("hash", "key_type");

-- CreateIndex
CREATE INDEX "visitor_identities_identity_id_idx" ON "visitor_identities"("identity_id");

-- CreateIndex
CREATE INDEX "crm_links_visitor_id_idx" ON "crm_links"("visitor_id");

-- CreateIndex
CREATE UNIQUE INDEX "crm_links_provider_object_type_crm_id_visitor_id_key" ON "crm_links"("provider", "object_type", "crm_id", "visitor_id");

-- CreateIndex
CREATE INDEX "form_submissions_visitor_id_idx" ON "form_submissions"("visitor_id");

-- AddForeignKey
ALTER TABLE "touchpoints" ADD CONSTRAINT "touchpoints_visitor_id_fkey" FOREIGN KEY ("visitor_id") REFERENCES "visitors"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "visitor_identities" ADD CONSTRAINT "visitor_identities_visitor_id_fkey" FOREIGN KEY ("visitor_id") REFERENCES "visitors"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "visitor_identities" ADD CONSTRAINT "visitor_identities_identity_id_fkey" FOREIGN KEY ("identity_id") REFERENCES "identities"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "crm_links" ADD CONSTRAINT "crm_links_visitor_id_fkey" FOREIGN KEY ("visitor_id") REFERENCES "visitors"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "form_submissions" ADD CONSTRAINT "form_submissions_visitor_id_fkey" FOREIGN KEY ("visitor_id") REFERENCES "visitors"("id") ON DELETE CASCADE ON UPDATE CASCADE;
