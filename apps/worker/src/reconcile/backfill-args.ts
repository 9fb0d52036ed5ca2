import { CRM_PROVIDERS, type CrmProvider } from '@app/crm';

export interface BackfillArgs {
  crm: CrmProvider;
  since: Date;
}

/** Thrown for a bad command line: the message says what is expected. */
export class BackfillUsageError extends Error {}

export const BACKFILL_USAGE =
  'usage: npm run crm:backfill -- --crm <hubspot|gohighlevel|salesforce> --since <7d|ISO date>';

const DAY_MS = 24 * 3600 * 1000;

/** `--crm hubspot --since 7d` (days back from now) or `--since 2026-11-23` / a full ISO-8601 time. */
export function parseBackfillArgs(argv: readonly string[], now = new Date()): BackfillArgs {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) {
    const [name, value] = [argv[i], argv[i + 1]];
    if (!name?.startsWith('--') || value === undefined || value.startsWith('--')) {
      throw new BackfillUsageError(`unexpected argument ${name ?? ''}\n${BACKFILL_USAGE}`);
    }
    flags.set(name.slice(2), value);
  }
  const crm = flags.get('crm');
  if (!crm || !(CRM_PROVIDERS as readonly string[]).includes(crm)) {
    throw new BackfillUsageError(`--crm must be one of ${CRM_PROVIDERS.join(', ')}\n${BACKFILL_USAGE}`);
  }
  const raw = flags.get('since') ?? '';
  const days = /^(\d{1,3})d$/.exec(raw);
  const since = days ? new Date(now.getTime() - Number(days[1]) * DAY_MS) : new Date(raw);
  if (!/^(\d{1,3}d|\d{4}-\d{2}-\d{2}(T.*)?)$/.test(raw) || Number.isNaN(since.getTime()) || since > now) {
    throw new BackfillUsageError(
      `--since must be a number of days (7d) or an ISO date in the past\n${BACKFILL_USAGE}`,
    );
  }
  return { crm: crm as CrmProvider, since };
}
