import type { DispatchInput } from '@app/db';
import type { BuiltChange } from './build-batch';
import type { DispatchStore, Outcomes } from './lifecycle-steps';

/** Queued dispatches to hand to one destination's queue. */
export interface ToDispatch {
  platform: string;
  destination: string;
  ids: string[];
  /** Those of `ids` inserted already carried by this lifecycle job's dispatch job (no claim needed). */
  claimed?: string[];
}

/** Reasons a destination's build gives for an event that failed validation (kept as the `invalid` status). */
const INVALID_PREFIX = 'not sent: the event failed validation';

/**
 * Records every destination's decision as a dispatch (one statement per destination): a queued event, or a
 * skipped one with the reason. Then each change's outcome: queued or sent when any destination has its event
 * (sent already: a retry), a duplicate when its CRM object already produced the event, else not sent (every
 * destination's reason, e.g. "nothing TikTok can match on"). Returns the dispatches to hand off, per destination.
 */
export async function recordBatch(
  built: BuiltChange[],
  deps: {
    store: Pick<DispatchStore, 'queueMany'>;
    testEventCode?: string;
    /** The dispatch job that will carry a platform's newly queued rows (see handToDispatch). */
    jobIdFor?: (platform: string) => string;
  },
  outcomes: Outcomes,
): Promise<ToDispatch[]> {
  if (!built.length) return [];
  const groups = new Map<
    string,
    { platform: string; destination: string; rows: { change: BuiltChange; input: DispatchInput }[] }
  >();
  for (const change of built) {
    const { event } = change.change;
    for (const { platform, destination, decision } of change.decisions) {
      const key = `${platform}\u0000${destination}`;
      const group = groups.get(key) ?? { platform, destination, rows: [] };
      groups.set(key, group);
      const base = { lifecycleEventId: event.id, eventName: event.event_name! };
      group.rows.push({
        change,
        input:
          decision.kind === 'send'
            ? {
                ...base,
                eventId: decision.eventId,
                status: 'queued',
                payload: decision.payload,
                contributorVisitorIds: change.contributors,
                knownKeys: change.knownKeys,
              }
            : { ...base, eventId: change.eventId, status: 'skipped', statusReason: decision.reason },
      });
    }
  }
  /** Per change: what each destination's row says. */
  const results = new Map<
    BuiltChange,
    { status: string; owned: boolean; reason?: string; platform: string }[]
  >();
  const toDispatch: ToDispatch[] = [];
  // One statement per destination, run side by side (each on its own pooled connection).
  const written = await Promise.all(
    [...groups.values()].map(async (group) => ({
      group,
      owners: await deps.store.queueMany(
        { platform: group.platform, destination: group.destination },
        group.rows.map((row) => row.input),
        deps.testEventCode,
        deps.jobIdFor?.(group.platform),
      ),
    })),
  );
  for (const { group, owners } of written) {
    const { platform, destination, rows } = group;
    const ids: string[] = [];
    const claimed: string[] = [];
    const jobId = deps.jobIdFor?.(platform);
    rows.forEach(({ change, input }, i) => {
      const owner = owners[i];
      const owned = owner.lifecycleEventId === change.change.event.id;
      const list = results.get(change) ?? [];
      results.set(change, list);
      list.push({ status: owner.status, owned, reason: input.statusReason, platform });
      if (owned && owner.status === 'queued') {
        ids.push(owner.id);
        if (jobId !== undefined && owner.jobId === jobId) claimed.push(owner.id);
      }
    });
    if (ids.length) toDispatch.push({ platform, destination, ids, ...(jobId !== undefined && { claimed }) });
  }
  for (const change of built) {
    const { event, visitorId, joinMethod } = change.change;
    const base = { id: event.id, visitorId, joinMethod, eventId: change.eventId, note: change.note };
    const rows = results.get(change) ?? [];
    const mine = rows.filter((row) => row.owned);
    if (mine.some((row) => row.status === 'sent')) outcomes.push({ ...base, status: 'sent' });
    else if (mine.some((row) => row.status === 'queued')) outcomes.push({ ...base, status: 'queued' });
    else if (rows.some((row) => !row.owned)) {
      outcomes.push({
        ...base,
        status: 'duplicate',
        statusReason: `this CRM object already produced ${event.event_name} (event_id ${change.eventId})`,
      });
    } else {
      const reasons = rows.map((row) => row.reason ?? row.status);
      const invalid = reasons.length > 0 && reasons.every((reason) => reason.startsWith(INVALID_PREFIX));
      outcomes.push({
        ...base,
        status: invalid ? 'invalid' : 'not_sent',
        statusReason: invalid
          ? reasons[0]
          : rows.map((row) => `${row.platform}: ${row.reason ?? row.status}`).join('; '),
      });
    }
  }
  return toDispatch;
}
