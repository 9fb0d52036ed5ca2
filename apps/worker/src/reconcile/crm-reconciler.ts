import { createHash } from 'node:crypto';
import { Injectable, Logger, Optional } from '@nestjs/common';
import { AppConfig } from '@app/config';
import {
  type CrmProvider,
  type CrmReconcileSource,
  goHighLevelAdapter,
  GoHighLevelApiClient,
  hubspotAdapter,
  HubspotApiClient,
  salesforceAdapter,
  SalesforceApiClient,
  StageMap,
} from '@app/crm';
import { CrmReconcileRepository, WebhookInboxRepository } from '@app/db';
import { MetricsService } from '@app/observability';
import { reconcileCrm, type ReconcileOutcome, type ReconcileStore } from './reconcile-run';

/** A first sweep (no cursor yet) looks back a day; older changes need `npm run crm:backfill`. */
const FIRST_LOOKBACK_MS = 24 * 3600 * 1000;
/** Read again before the cursor each time: search indexes lag their records by seconds. */
const OVERLAP_MS = 5 * 60_000;
/** Pages per record kind and run (HubSpot: 100 records a page); the next run goes on from the cursor. */
const MAX_PAGES = 50;

/**
 * Sweeps each CRM whose API client is configured for stage changes its webhooks did not bring
 * (reconcile-run.ts), storing them through the webhooks' store; used by the scheduled job and by
 * `npm run crm:backfill`.
 */
@Injectable()
export class CrmReconciler {
  private readonly logger = new Logger(CrmReconciler.name);
  private readonly sources: CrmReconcileSource[];
  private readonly store: ReconcileStore;

  constructor(
    config: AppConfig,
    private readonly stageMap: StageMap,
    private readonly metrics: MetricsService,
    cursors: CrmReconcileRepository,
    inbox: WebhookInboxRepository,
    @Optional() hubspot?: HubspotApiClient,
    @Optional() gohighlevel?: GoHighLevelApiClient,
    @Optional() salesforce?: SalesforceApiClient,
  ) {
    const settings = { externalIdProperty: config.hubspot.externalIdProperty };
    const sources: (CrmReconcileSource | null | undefined)[] = [
      hubspot && hubspotAdapter.createReconcileSource(hubspot, settings),
      gohighlevel && goHighLevelAdapter.createReconcileSource(gohighlevel),
      salesforce && salesforceAdapter.createReconcileSource(salesforce),
    ];
    this.sources = sources.filter((source): source is CrmReconcileSource => !!source);
    this.store = {
      cursor: (provider, objectType) => cursors.cursor(provider, objectType),
      advance: (provider, objectType, to) => cursors.advance(provider, objectType, to),
      latestStages: (provider, records) => cursors.latestStages(provider, records),
      store: async (provider, changes, source) =>
        inbox.store(
          {
            provider,
            tenant: changes[0]?.tenant,
            // A backfill's deliveries are told apart from the schedule's by their scheme too.
            scheme: source,
            source,
            eventCount: changes.length,
            // No body: the hash of the stored keys stands for it.
            bodySha256: createHash('sha256')
              .update(changes.map((change) => change.dedupeKey).join('\n'))
              .digest('hex'),
          },
          changes,
        ),
    };
  }

  /** The CRMs that can be swept (an API client is configured). */
  get providers(): CrmProvider[] {
    return this.sources.map((source) => source.provider);
  }

  /** Sweeps every configured CRM (or one), from its cursor or from `since`; one CRM failing stops no other. */
  async sweep(
    options: { crm?: string; since?: Date; source?: 'reconcile' | 'backfill' } = {},
  ): Promise<Map<CrmProvider, ReconcileOutcome>> {
    const source = options.source ?? 'reconcile';
    const outcomes = new Map<CrmProvider, ReconcileOutcome>();
    const failures: Error[] = [];
    for (const crm of this.sources.filter((s) => !options.crm || s.provider === options.crm)) {
      try {
        const outcome = await reconcileCrm(crm, this.store, {
          stageMap: this.stageMap,
          since: options.since,
          source,
          firstLookbackMs: FIRST_LOOKBACK_MS,
          overlapMs: OVERLAP_MS,
          maxPages: MAX_PAGES,
        });
        outcomes.set(crm.provider, outcome);
        if (outcome.stored) {
          this.metrics.webhooks.reconciled.inc({ provider: crm.provider }, outcome.stored);
          this.metrics.webhooks.changes.inc({ source, provider: crm.provider }, outcome.stored);
        }
        this.logger.log(
          `${crm.provider} sweep: ${outcome.found} changes in the window, ${outcome.stored} stored, ` +
            `${outcome.known} already known, ${outcome.unmapped} unmapped`,
        );
      } catch (error) {
        this.logger.warn(`${crm.provider} sweep failed: ${(error as Error).message}`);
        failures.push(error as Error);
      }
    }
    // The job's retry covers a failed CRM (the others' cursors have moved: their pages are not read again).
    if (failures.length) throw failures[0];
    return outcomes;
  }
}
