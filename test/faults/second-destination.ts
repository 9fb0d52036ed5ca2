// A second destination for the drills (TikTok's fake next to Graph): "exactly one event per change AND
// destination".
import { FakeTikTokApi } from '../fakes/tiktok-api';
import { Json } from '../support/journey-env';
import { PipelineEnv } from '../support/pipeline-env';
import { note, sleep } from './support';

/** A second destination for a drill: the TikTok fake, and the worker settings that send to it. */
export async function startTikTok(): Promise<{ fake: FakeTikTokApi; env: Record<string, string> }> {
  const token = 'tiktok-token-0123456789';
  const pixel = 'C0TIKTOKPIXEL1';
  const fake = new FakeTikTokApi({ accessToken: token, eventSourceIds: [pixel] });
  const { url } = await fake.start();
  return { fake, env: { TIKTOK_ACCESS_TOKEN: token, TIKTOK_PIXEL_CODE: pixel, TIKTOK_API_URL: url } };
}

/**
 * Exactly once at another destination than Meta: each change one `platform` dispatch, `sent` (waited for up
 * to `timeoutMs`: the lifecycle event is `sent` once its first destination took it), and its event_id once
 * among the events that destination's fake accepted.
 */
export async function expectExactlyOnceAt(
  t: PipelineEnv,
  ids: string[],
  platform: string,
  accepted: () => Json[],
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let rows: Json[];
  for (;;) {
    ({ rows } = await t.sql.query(
      `SELECT c.status, c.event_id FROM dispatches c JOIN lifecycle_events l ON l.id = c.lifecycle_event_id
       WHERE c.platform = $2 AND l.provider = 'hubspot' AND l.object_id = ANY($1)`,
      [ids, platform],
    ));
    if (rows.filter((row) => row.status === 'sent').length >= ids.length || Date.now() > deadline) break;
    await sleep(250);
  }
  const ours = new Set(rows.map((row) => row.event_id as string));
  const copies = new Map<string, number>();
  for (const event of accepted().filter((event) => ours.has(event.event_id as string)))
    copies.set(event.event_id as string, (copies.get(event.event_id as string) ?? 0) + 1);
  const byStatus: Record<string, number> = {};
  for (const row of rows) byStatus[row.status] = (byStatus[row.status] ?? 0) + 1;
  const report = {
    platform,
    dispatches: rows.length,
    byStatus,
    unique: copies.size,
    total: [...copies.values()].reduce((sum, n) => sum + n, 0),
    doubled: [...copies].filter(([, n]) => n > 1).map(([id]) => id),
  };
  note(platform, report);
  expect(report).toEqual({
    platform,
    dispatches: ids.length,
    byStatus: { sent: ids.length },
    unique: ids.length,
    total: ids.length,
    doubled: [],
  });
}
