// HighLevel workflow "Webhook" action bodies (shared/reference/crm-webhooks.md §2.5): a flat JSON of the
// contact, trigger data and `customData`. The shape is not officially documented, so the stage comes
// only from Custom Data keys that our docs ask the user to add (docs/crm/gohighlevel.md):
//   journey_external_id, stage (required), opportunity_id, pipeline_id, value, currency, event_id,
//   occurred_at.
// Stage field: for an opportunity, a stage equal to an opportunity status (open|won|lost|abandoned)
// is stageField 'status' (so the default `won` → DealWon applies), anything else is a pipeline stage id
// ('pipelineStageId', mapped like the marketplace event). For a contact it is stageField 'stage'.
import {
  CrmPayloadError,
  type CrmRecordRef,
  type LifecycleChange,
  type ParsedDelivery,
} from '../lifecycle-change';
import {
  compositeKey,
  contactHashes,
  isObject,
  optAmount,
  optCurrency,
  optInstant,
  optObject,
  optString,
  records,
  type JsonObject,
} from './fields';

export const GOHIGHLEVEL_OPPORTUNITY_STATUSES: readonly string[] = ['open', 'won', 'lost', 'abandoned'];

/** Custom Data keys read from a workflow webhook. */
export const GOHIGHLEVEL_WORKFLOW_KEYS = {
  externalId: 'journey_external_id',
  stage: 'stage',
  opportunityId: 'opportunity_id',
  pipelineId: 'pipeline_id',
  value: 'value',
  currency: 'currency',
  eventId: 'event_id',
  occurredAt: 'occurred_at',
} as const;

export function parseGoHighLevelWorkflowDelivery(
  body: unknown,
  options: { receivedAt?: Date } = {},
): ParsedDelivery {
  if (!isObject(body)) throw new CrmPayloadError('body', 'must be a JSON object');
  const K = GOHIGHLEVEL_WORKFLOW_KEYS;
  const location = optObject(body.location, 'body.location');
  const tenant =
    (location && optString(location.id, 'body.location.id')) ?? optString(body.locationId, 'body.locationId');
  if (tenant === undefined) throw new CrmPayloadError('body.location.id', 'is required');
  const custom = optObject(body.customData, 'body.customData') ?? {};
  const rawStage = optString(custom[K.stage], `body.customData.${K.stage}`);
  if (rawStage === undefined) return { changes: [], ignored: 1 };

  const contactId = optString(body.contact_id, 'body.contact_id');
  const opportunityId =
    optString(custom[K.opportunityId], `body.customData.${K.opportunityId}`) ?? triggerOpportunityId(body);
  let objectType: 'opportunity' | 'contact';
  let objectId: string;
  let stageField: string;
  let stage = rawStage;
  let won: boolean | undefined;
  let pipeline: string | undefined;
  if (opportunityId !== undefined) {
    objectType = 'opportunity';
    objectId = opportunityId;
    pipeline =
      optString(custom[K.pipelineId], `body.customData.${K.pipelineId}`) ??
      optString(body.pipeline_id, 'body.pipeline_id');
    if (GOHIGHLEVEL_OPPORTUNITY_STATUSES.includes(rawStage.toLowerCase())) {
      stageField = 'status';
      stage = rawStage.toLowerCase();
      won = stage === 'won';
    } else {
      stageField = 'pipelineStageId';
    }
  } else {
    if (contactId === undefined) throw new CrmPayloadError('body.contact_id', 'is required');
    objectType = 'contact';
    objectId = contactId;
    stageField = 'stage';
  }

  const changeTime = optInstant(custom[K.occurredAt], `body.customData.${K.occurredAt}`);
  const receivedAt = options.receivedAt ?? new Date();
  const eventId = optString(custom[K.eventId], `body.customData.${K.eventId}`);
  const value = optAmount(custom[K.value], `body.customData.${K.value}`);
  const currency = optCurrency(custom[K.currency], `body.customData.${K.currency}`);
  const externalId =
    optString(custom[K.externalId], `body.customData.${K.externalId}`) ??
    optString(body[K.externalId], `body.${K.externalId}`);

  const change: LifecycleChange = {
    provider: 'gohighlevel',
    tenant,
    objectType,
    objectId,
    ...(pipeline !== undefined && { pipeline }),
    stageField,
    stage,
    ...(won !== undefined && { won }),
    occurredAt: changeTime ?? receivedAt.toISOString(),
    ...(value !== undefined && { value }),
    ...(currency !== undefined && { currency }),
    // No webhookId in workflow bodies. The time part is blank unless occurred_at is sent: one
    // (object, stage) is then one change, and a re-sent delivery is recognised as a duplicate.
    dedupeKey:
      eventId ?? compositeKey('workflow', tenant, `${objectType}:${objectId}`, stage, changeTime ?? ''),
    hints: {
      ...(externalId !== undefined && { externalId }),
      crmRecords: records(
        objectType === 'opportunity' ? { objectType, id: objectId } : undefined,
        contactId !== undefined
          ? ({ objectType: 'contact', id: contactId } satisfies CrmRecordRef)
          : undefined,
      ),
      ...contactHashes([{ fields: body, prefix: 'body' }]),
    },
  };
  return { changes: [change], ignored: 0 };
}

/** With an opportunity trigger the flat body carries the opportunity as `id` next to `pipeline_id`. */
function triggerOpportunityId(body: JsonObject): string | undefined {
  const isOpportunityTrigger =
    optString(body.pipeline_id, 'body.pipeline_id') !== undefined ||
    optString(body.opportunity_name, 'body.opportunity_name') !== undefined;
  return isOpportunityTrigger ? optString(body.id, 'body.id') : undefined;
}
