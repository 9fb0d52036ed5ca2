// The shape every CRM folder exports (hubspot/, gohighlevel/, salesforce/): one adapter object holding what
// the rest of the system needs to know about that CRM. The HTTP layer stays the same for all of them:
// verify, parse, store, answer the way this CRM expects.
import type { CrmObjectType, CrmProvider, ParsedDelivery, SignatureCheck } from './lifecycle-change';
import type { CrmReconcileSource } from './reconcile';
import type { StageDefault } from './stage-rule';

export type CrmHeaders = Record<string, string | string[] | undefined>;

/** One webhook delivery as it reached us. */
export interface CrmWebhookRequest {
  method: string;
  /** The URI the CRM called: scheme, host (the public one behind a proxy), path and query. */
  uri: string;
  /** Lower-case names, as Node gives them. */
  headers: CrmHeaders;
  /** The exact bytes received: signatures are over these, never over a re-serialised body. */
  rawBody: Buffer;
  /** The body as the HTTP layer read it: a JSON value (an XML body arrives as its text). */
  body: unknown;
  /** When it arrived: the change time of a delivery that names none. */
  receivedAt: Date;
}

/** What to answer the CRM: the status, and a body it understands. */
export interface CrmWebhookAnswer {
  status: number;
  /** Left out for JSON. */
  contentType?: string;
  body: unknown;
}

/** How a CRM expects to be answered: which statuses it retries on differs per CRM. */
export interface CrmWebhookReplies {
  /** The status of a delivery refused as not authentic (nothing is stored beyond a counter). */
  readonly refusedStatus: 401 | 403;
  /** The delivery is stored (or was already: duplicates). */
  accepted(parsed: ParsedDelivery, outcome: { stored: number; duplicates: number }): CrmWebhookAnswer;
  /** Our store failed: the answer that makes this CRM send the delivery again. */
  unavailable(): CrmWebhookAnswer;
}

/** Where a CRM's records say who they are (SPEC "Identity"), besides the contact data the parsers hash. */
export interface CrmIdentityFields {
  /** Keys of a form's `crm_ids` that name a record of this CRM, and the record type each names (pinned). */
  readonly formCrmIds: Readonly<Record<string, CrmObjectType>>;
  /** The setting naming the CRM field that carries our external_id. */
  readonly externalIdSetting: string;
  /** The setting naming the CRM field that carries a Meta Lead Ads lead id, when this CRM has one. */
  readonly leadIdSetting?: string;
}

/**
 * One CRM. `Settings` is what it reads from the configuration (the AppConfig section of the same name);
 * `Parsed` what its parser returns.
 */
export interface CrmAdapter<Settings = unknown, Parsed extends ParsedDelivery = ParsedDelivery> {
  /** Its name in code, paths, config keys, metrics and stored rows. */
  readonly id: CrmProvider;
  /** Its name in prose: logs, notes, docs. */
  readonly displayName: string;
  /** `custom_data.lead_event_source` sent to Meta: the CRM's name as Meta's Conversion Leads set-up knows it. */
  readonly leadEventSource: string;
  /** Built-in stage → event mapping (SPEC "Stage mapping"); STAGE_MAP_FILE overrides any of it. */
  readonly defaultStages: readonly StageDefault[];
  readonly identityFields: CrmIdentityFields;
  /**
   * Is the delivery authentic? Nothing it says is used before this passes. Most CRMs sign the raw request;
   * one that signs nothing (Salesforce) is known by the account id inside the message: `parsed` parses
   * the delivery (once: `parse` is not run again).
   */
  verify(request: CrmWebhookRequest, settings: Settings, parsed: () => Parsed): SignatureCheck;
  /** The delivery as stage changes and revealed identities; throws CrmPayloadError naming a bad field. */
  parse(request: CrmWebhookRequest, settings: Settings): Parsed;
  readonly replies: CrmWebhookReplies;
  /** The CRM's API client (joins, sweeps), where one exists. */
  readonly createApiClient?: (options: never) => unknown;
  /** The reconciliation sweep over that client (reconcile.ts). */
  readonly createReconcileSource?: (client: never, settings: never) => CrmReconcileSource;
}

export type CrmReceipt<Parsed extends ParsedDelivery = ParsedDelivery> =
  { ok: false; reason: string } | { ok: true; scheme: string; parsed: Parsed };

/**
 * Verifies, then parses, one delivery: the parse runs once, whether the verifier needed it or not. Throws
 * CrmPayloadError when the body does not have the CRM's shape (a 400).
 */
export function receiveDelivery<Settings, Parsed extends ParsedDelivery>(
  adapter: CrmAdapter<Settings, Parsed>,
  request: CrmWebhookRequest,
  settings: Settings,
): CrmReceipt<Parsed> {
  let parsed: Parsed | undefined;
  const parse = () => (parsed ??= adapter.parse(request, settings));
  const check = adapter.verify(request, settings, parse);
  return check.ok ? { ok: true, scheme: check.scheme, parsed: parse() } : check;
}

/**
 * The answers of a CRM that speaks JSON: what was received, stored and recognised as a duplicate; and
 * when the store fails, the status this CRM retries on.
 */
export function jsonReplies(
  refusedStatus: 401 | 403,
  unavailable: { status: number; error: string },
): CrmWebhookReplies {
  return {
    refusedStatus,
    accepted: (parsed, outcome) => ({
      status: 200,
      body: {
        received: parsed.changes.length + parsed.ignored,
        stored: outcome.stored,
        duplicates: outcome.duplicates,
      },
    }),
    unavailable: () => ({
      status: unavailable.status,
      body: { statusCode: unavailable.status, error: unavailable.error, message: 'store unavailable, retry' },
    }),
  };
}
