/** The CRMs we listen to, by provider id: the id names the CRM in code, paths, config keys and stored rows. */
export const CRM_PROVIDERS = ['hubspot', 'gohighlevel', 'salesforce'] as const;

export type CrmProvider = (typeof CRM_PROVIDERS)[number];

export type CrmObjectType = 'contact' | 'deal' | 'lead' | 'opportunity';

/** A CRM record id carried by a delivery (joins via crm_links). */
export interface CrmRecordRef {
  objectType: CrmObjectType;
  id: string;
}

/**
 * Everything a delivery says about who the change is about. Contact data is hashed the moment it is
 * parsed (Meta normalisation + SHA-256, see @app/journey): raw email or phone never leaves the parser.
 */
export interface JoinHints {
  /** Our external_id, when the CRM record carries it (HubSpot property, Salesforce field, HighLevel custom field). */
  externalId?: string;
  /** The changed record itself and any associated records named in the payload (e.g. a HighLevel contactId). */
  crmRecords: CrmRecordRef[];
  /** sha256 of the normalised email / E.164 phone, when the payload carries them. */
  emailHashes: string[];
  phoneHashes: string[];
}

/**
 * One stage change, the same shape for every CRM: what the worker joins to a journey and turns into a
 * Meta event. Stored as a lifecycle event; the raw delivery itself is never stored (it may carry PII).
 */
export interface LifecycleChange {
  provider: CrmProvider;
  /** The CRM account: HubSpot portalId, HighLevel locationId, Salesforce OrganizationId. */
  tenant: string;
  objectType: CrmObjectType;
  objectId: string;
  /** Pipeline id when the CRM has pipelines (HubSpot deals, HighLevel opportunities). */
  pipeline?: string;
  /** Which field changed: dealstage, lifecyclestage, StageName, Status, status, pipelineStageId, ... */
  stageField: string;
  /** The new raw value of that field (e.g. `closedwon`, `Closed Won`, `won`, a stage id). */
  stage: string;
  /** True when the CRM itself flags the record as won (Salesforce IsWon, HighLevel status `won`). */
  won?: boolean;
  /** When the stage changed, per the CRM (ISO-8601). */
  occurredAt: string;
  value?: number;
  /** ISO 4217, upper case. */
  currency?: string;
  /** A Meta Lead Ads lead id from the configured CRM field, as the CRM sent it (checked before sending). */
  leadId?: string;
  /**
   * Idempotency key, unique per provider for one real-world change: re-deliveries and retries of the
   * same change produce the same key (HubSpot composite, HighLevel webhookId, Salesforce notification Id).
   */
  dedupeKey: string;
  hints: JoinHints;
}

/** A verified delivery whose body does not have the shape the vendor documents: answered 400 naming `field`. */
export class CrmPayloadError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'CrmPayloadError';
  }
}

/**
 * A delivery that says who a CRM record is without changing its stage (HubSpot's external-id, email or
 * phone property, a HighLevel contact event, a Salesforce record carrying the external-id field or an
 * email): the record is linked to the visitor and its unjoined changes are tried again. Hashed, as hints.
 */
export interface CrmIdentityReveal {
  provider: CrmProvider;
  tenant: string;
  /** The records this identity belongs to (the contact, a lead and its converted contact, ...). */
  crmRecords: CrmRecordRef[];
  externalId?: string;
  emailHashes: string[];
  phoneHashes: string[];
}

/**
 * What a parser returns: the stage changes, how many events it skipped as not about stages, and the
 * identities revealed on the way (an event may be both ignored as a stage change and an identity).
 */
export interface ParsedDelivery {
  /** The CRM account, when the delivery names it whatever it carries (Salesforce OrganizationId). */
  tenant?: string;
  changes: LifecycleChange[];
  ignored: number;
  identities?: CrmIdentityReveal[];
}

/** Outcome of a signature check. `reason` is for counters and logs; it never contains secrets. */
export type SignatureCheck = { ok: true; scheme: string } | { ok: false; reason: string };
