// The statements behind DispatchRepository.queueMany: insert the new rows, let skipped rows decide again, read
// the owners of rows that already existed. A file of their own keeps the repository under ~300 lines.
import type { Pool } from 'pg';
import type { DispatchInput } from './dispatch.repository';

export interface OwnerRow {
  id: string;
  status: string;
  lifecycle_event_id: string;
  event_id: string;
  job_id: string | null;
}

/** Inserts the rows that do not exist yet (either unique key); returns those it inserted. */
export async function insertNewDispatches(
  pool: Pool,
  { platform, destination }: { platform: string; destination: string },
  inputs: DispatchInput[],
  testEventCode: string | null,
  jobId: string | null,
): Promise<OwnerRow[]> {
  // One JSON document for the batch: payloads travel once, as JSON, instead of as elements of a jsonb[]
  // literal (every quote escaped again by the driver).
  const batch = inputs.map((input, n) => ({
    n,
    lifecycle_event_id: input.lifecycleEventId,
    event_id: input.eventId,
    event_name: input.eventName,
    payload: input.payload ?? null,
    contributors: input.contributorVisitorIds ?? [],
    known_keys: input.knownKeys ?? [],
    status: input.status,
    status_reason: input.statusReason?.slice(0, 1000) ?? null,
  }));
  const { rows } = await pool.query<OwnerRow>(
    `INSERT INTO dispatches (id, lifecycle_event_id, platform, destination, event_id, event_name, status, status_reason,
       payload, test_event_code, contributor_visitor_ids, known_keys, job_id)
     SELECT gen_random_uuid(), i.lifecycle_event_id, $3, $1, i.event_id, i.event_name, i.status, i.status_reason,
       i.payload, $4,
       ARRAY(SELECT jsonb_array_elements_text(i.contributors))::uuid[],
       ARRAY(SELECT jsonb_array_elements_text(i.known_keys))::varchar(32)[],
       CASE WHEN i.status = 'queued' THEN $5 END
     FROM jsonb_to_recordset($2::jsonb) AS i(n int, lifecycle_event_id uuid, event_id text, event_name text,
       payload jsonb, contributors jsonb, known_keys jsonb, status text, status_reason text)
     ORDER BY i.n ON CONFLICT DO NOTHING
     RETURNING id, status, lifecycle_event_id, event_id, job_id`,
    [destination, JSON.stringify(batch), platform, testEventCode, jobId],
  );
  return rows;
}

/** A destination that skipped an event before (nothing to match on yet) takes its new decision. */
export async function redecideSkippedDispatches(
  pool: Pool,
  { platform, destination }: { platform: string; destination: string },
  inputs: DispatchInput[],
): Promise<void> {
  await pool.query(
    `UPDATE dispatches d SET status = i.status, status_reason = i.status_reason, payload = i.payload,
       updated_at = now()
     FROM unnest($2::uuid[], $3::text[], $4::jsonb[], $5::text[], $6::text[])
       AS i(lifecycle_event_id, event_id, payload, status, status_reason)
     WHERE d.platform = $7 AND d.destination = $1 AND d.lifecycle_event_id = i.lifecycle_event_id
       AND d.status = 'skipped'`,
    [
      destination,
      inputs.map((input) => input.lifecycleEventId),
      inputs.map((input) => input.eventId),
      inputs.map((input) => (input.payload === undefined ? null : JSON.stringify(input.payload))),
      inputs.map((input) => input.status),
      inputs.map((input) => input.statusReason?.slice(0, 1000) ?? null),
      platform,
    ],
  );
}

/** The rows owning these inputs' lifecycle events or event ids. */
export async function dispatchOwners(
  pool: Pool,
  { platform, destination }: { platform: string; destination: string },
  inputs: DispatchInput[],
): Promise<OwnerRow[]> {
  const { rows } = await pool.query<OwnerRow>(
    `SELECT id, status, lifecycle_event_id, event_id, job_id FROM dispatches
     WHERE platform = $4 AND destination = $1 AND (lifecycle_event_id = ANY($2::uuid[]) OR event_id = ANY($3::text[]))`,
    [
      destination,
      inputs.map((input) => input.lifecycleEventId),
      inputs.map((input) => input.eventId),
      platform,
    ],
  );
  return rows;
}
