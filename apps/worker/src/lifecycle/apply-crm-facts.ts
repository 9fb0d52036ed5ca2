import type { CrmObjectType, CrmProvider, StageMap } from '@app/crm';
import type { LifecycleCrmFacts, LifecycleEventRow } from '@app/db';

/** What the CRM's API adds to a stored change; undefined fields: the API did not say. */
export interface CrmFacts {
  pipeline?: string;
  value?: number;
  currency?: string;
  leadId?: string;
}

/**
 * The event a change maps to once its record's facts are known, and what to store: a change stored without a
 * pipeline is mapped again with the pipeline the API gave (a pipeline rule may apply, or none at all).
 * `unmappedReason` is set when no event applies.
 */
export function applyCrmFacts(
  event: LifecycleEventRow,
  facts: CrmFacts | undefined,
  stageMap: StageMap,
  pipelineSource: string,
): { save?: LifecycleCrmFacts; eventName: string | null; unmappedReason?: string } {
  const learnedPipeline = !event.pipeline && facts?.pipeline ? facts.pipeline : undefined;
  const pipeline = event.pipeline ?? learnedPipeline ?? null;
  const eventName = learnedPipeline
    ? stageMap.eventFor({
        provider: event.provider as CrmProvider,
        objectType: event.object_type as CrmObjectType,
        stageField: event.stage_field,
        stage: event.stage,
        won: event.won ?? undefined,
        pipeline,
      })
    : event.event_name;
  const what = `${event.object_type} ${event.stage_field} = ${event.stage}`;
  const unmappedReason = eventName
    ? undefined
    : pipeline
      ? `no event is mapped to ${what} in pipeline ${pipeline}`
      : `no event is mapped to ${what} without its pipeline, which is unknown (${pipelineSource})`;
  if (!facts && eventName === event.event_name) return { eventName, unmappedReason };
  const fromDeal = facts?.value !== undefined;
  return {
    eventName,
    unmappedReason,
    save: {
      id: event.id,
      pipeline,
      eventName,
      value: fromDeal ? facts.value! : event.value === null ? null : Number(event.value),
      currency: fromDeal ? (facts.currency ?? null) : event.currency,
      leadId: facts?.leadId ?? event.lead_id,
    },
  };
}
