import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { crmApiConfig, type CrmApiConfig, crmApiProblems } from './crm-environment';
import { destinationProblems, type DestinationsConfig, destinationsConfig } from './destination-environment';
import { Environment } from './environment';
import { hashTaggedPrefix, parseRedisClusterNodes, type RedisNode } from './redis-environment';

/** Thrown at start-up when the environment is unusable; the message names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export type TrustProxy = boolean | number | string;

const list = (value?: string) =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

function parseTrustProxy(value: string): TrustProxy {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return list(value).join(',');
}

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((error) =>
    Object.values(error.constraints ?? { invalid: `${error.property} is invalid` }).map((message) =>
      message.startsWith(error.property) ? message : `${error.property}: ${message}`,
    ),
  );
}

/** The validated, typed configuration shared by the api and the worker. Built once per process. */
export class AppConfig {
  readonly databaseUrl: string;
  /** One Redis server; with a cluster only its credentials and `rediss:` (TLS) are used. */
  readonly redisUrl: string;
  /** REDIS_CLUSTER_NODES: seed nodes of a Redis Cluster, used instead of REDIS_URL's host when set. */
  readonly redisClusterNodes?: RedisNode[];
  readonly port: number;
  readonly host: string;
  readonly logLevel: string;
  /** BullMQ's prefix (also heartbeats): QUEUE_PREFIX, hash-tagged (`{bull}`) on a cluster unless it has a tag. */
  readonly queuePrefix: string;
  /**
   * Prefix of the app's own keys that must spread over a cluster (rate limits, touchpoint caps): QUEUE_PREFIX
   * with no braces on a cluster (the queue's hash tag would pin them all to one slot), else QUEUE_PREFIX.
   */
  readonly keyPrefix: string;
  readonly reconcileAfterMs: number;
  /** The relay's fallback poll when no NOTIFY woke it (ms). */
  readonly relayPollMs: number;
  /** How often unjoined lifecycle events are swept back through the whole join. */
  readonly unjoinedSweepMinutes: number;
  readonly meta: {
    pixelId?: string;
    accessToken?: string;
    apiVersion: string;
    graphUrl: string;
    testEventCode?: string;
    defaultCurrency?: string;
    /** Sent as `partner_agent` with every request (PARTNER_AGENT). */
    partnerAgent: string;
    /** False until both pixel id and token are set: lifecycle events then wait instead of being sent. */
    enabled: boolean;
  };
  /** Google Ads, TikTok and LinkedIn (Meta is `meta`), and the dry-run switch. */
  readonly destinations: DestinationsConfig;
  readonly hubspot: {
    clientSecret?: string;
    accessToken?: string;
    apiUrl: string;
    externalIdProperty: string;
    leadIdProperty?: string;
  };
  readonly gohighlevel: {
    publicKey: string;
    rsaPublicKey: string;
    workflowSecret?: string;
    /** Contact custom field id holding our external_id (GHL_EXTERNAL_ID_FIELD). */
    externalIdField?: string;
  };
  readonly salesforce: { orgIds: string[]; externalIdField: string; leadIdField?: string };
  /** The CRMs' APIs besides HubSpot's (joins, sweeps) and the sweep interval. */
  readonly crmApi: CrmApiConfig;
  /** publicBaseUrl: how callers reach us; rebuilds signed URIs (HubSpot v3) behind proxies. */
  readonly http: { trustProxy: TrustProxy; corsOrigins: string[]; publicBaseUrl?: string };
  readonly auth: { adminToken?: string; ingestApiKey?: string };
  readonly stageMapFile?: string;
  /** Form capture: lowercase ISO alpha-2 region used when neither the form nor the visitor names one. */
  readonly capture: { defaultCountry?: string };
  /** Abuse limits on the public ingest routes (webhooks are never limited by us). */
  readonly limits: { perIpPerMinute: number; perKeyPerMinute: number; touchpointsPerVisitorPerHour: number };
  /** `production` turns the development-secret warnings on. */
  readonly production: boolean;
  /** Days kept: touchpoints (whole months), webhook deliveries (once final), destination requests. */
  readonly retention: { touchpointDays: number; webhookDeliveryDays: number; destinationRequestDays: number };
  /** apiProcesses: node:cluster workers of the api; workerMetricsPort: the worker's own /metrics. */
  readonly processes: { apiProcesses: number; workerMetricsPort: number; metricsToken?: string };

  private constructor(env: Environment) {
    this.databaseUrl = env.DATABASE_URL;
    this.redisUrl = env.REDIS_URL;
    this.port = env.PORT;
    this.host = env.HOST;
    this.logLevel = env.LOG_LEVEL;
    this.redisClusterNodes = env.REDIS_CLUSTER_NODES
      ? parseRedisClusterNodes(env.REDIS_CLUSTER_NODES)
      : undefined;
    // Without a cluster the keys stay as they were, so jobs queued before an upgrade are still found.
    this.queuePrefix = this.redisClusterNodes ? hashTaggedPrefix(env.QUEUE_PREFIX) : env.QUEUE_PREFIX;
    this.keyPrefix = this.redisClusterNodes ? env.QUEUE_PREFIX.replace(/[{}]/g, '') : env.QUEUE_PREFIX;
    this.reconcileAfterMs = env.RECONCILE_AFTER_MS;
    this.relayPollMs = env.LIFECYCLE_RELAY_POLL_MS;
    this.unjoinedSweepMinutes = env.UNJOINED_SWEEP_MINUTES;
    this.meta = {
      pixelId: env.META_PIXEL_ID,
      accessToken: env.META_ACCESS_TOKEN,
      apiVersion: env.META_API_VERSION,
      graphUrl: env.META_GRAPH_URL.replace(/\/+$/, ''),
      testEventCode: env.META_TEST_EVENT_CODE,
      defaultCurrency: env.DEFAULT_CURRENCY,
      partnerAgent: env.PARTNER_AGENT,
      enabled: Boolean(env.META_PIXEL_ID && env.META_ACCESS_TOKEN),
    };
    this.destinations = destinationsConfig(env);
    this.hubspot = {
      clientSecret: env.HUBSPOT_CLIENT_SECRET,
      accessToken: env.HUBSPOT_ACCESS_TOKEN,
      apiUrl: env.HUBSPOT_API_URL.replace(/\/+$/, ''),
      externalIdProperty: env.HUBSPOT_EXTERNAL_ID_PROPERTY,
      leadIdProperty: env.HUBSPOT_LEAD_ID_PROPERTY,
    };
    this.gohighlevel = {
      publicKey: env.GHL_WEBHOOK_PUBLIC_KEY,
      rsaPublicKey: env.GHL_WEBHOOK_RSA_PUBLIC_KEY,
      workflowSecret: env.GHL_WORKFLOW_SECRET,
      externalIdField: env.GHL_EXTERNAL_ID_FIELD,
    };
    this.salesforce = {
      orgIds: list(env.SALESFORCE_ORG_IDS),
      externalIdField: env.SALESFORCE_EXTERNAL_ID_FIELD,
      leadIdField: env.SALESFORCE_LEAD_ID_FIELD,
    };
    this.crmApi = crmApiConfig(env);
    this.http = {
      trustProxy: parseTrustProxy(env.TRUST_PROXY),
      corsOrigins: list(env.CORS_ORIGINS).map((origin) => origin.replace(/\/$/, '')),
      publicBaseUrl: env.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    };
    this.auth = { adminToken: env.ADMIN_TOKEN, ingestApiKey: env.INGEST_API_KEY };
    this.stageMapFile = env.STAGE_MAP_FILE;
    this.capture = { defaultCountry: env.DEFAULT_COUNTRY?.toLowerCase() };
    this.limits = {
      perIpPerMinute: env.INGEST_RATE_PER_IP_PER_MINUTE,
      perKeyPerMinute: env.INGEST_RATE_PER_KEY_PER_MINUTE,
      touchpointsPerVisitorPerHour: env.MAX_TOUCHPOINTS_PER_VISITOR_PER_HOUR,
    };
    this.production = env.NODE_ENV === 'production';
    this.retention = {
      touchpointDays: env.TOUCHPOINT_RETENTION_DAYS,
      webhookDeliveryDays: env.WEBHOOK_DELIVERY_RETENTION_DAYS,
      destinationRequestDays: env.DESTINATION_REQUEST_RETENTION_DAYS,
    };
    this.processes = {
      apiProcesses: env.API_PROCESSES,
      workerMetricsPort: env.WORKER_METRICS_PORT,
      metricsToken: env.METRICS_TOKEN,
    };
  }

  /** Reads and validates the environment; throws ConfigError naming every bad or missing variable. */
  static fromEnv(source: NodeJS.ProcessEnv = process.env): AppConfig {
    // Own keys of a fresh Environment are every known variable (class fields are defined even when
    // optional); an empty value counts as unset so the default applies.
    const known = Object.keys(new Environment());
    const raw = Object.fromEntries(
      known.filter((key) => (source[key] ?? '').trim() !== '').map((key) => [key, source[key]]),
    );
    const env = plainToInstance(Environment, raw);
    const problems = describe(validateSync(env));
    if (env.META_PIXEL_ID && !env.META_ACCESS_TOKEN) {
      problems.push('META_ACCESS_TOKEN is required when META_PIXEL_ID is set');
    }
    if (env.META_ACCESS_TOKEN && !env.META_PIXEL_ID) {
      problems.push('META_PIXEL_ID is required when META_ACCESS_TOKEN is set');
    }
    problems.push(...destinationProblems(env), ...crmApiProblems(env));
    if (problems.length) throw new ConfigError(problems);
    return new AppConfig(env);
  }
}

/** The secrets docker-compose.yml and the README ship for a laptop; never fit for a deployment. */
export const DEVELOPMENT_SECRETS: Readonly<Record<string, string>> = {
  ADMIN_TOKEN: 'dev-admin-token-change-me',
  INGEST_API_KEY: 'dev-ingest-key-change-me',
};

/** Names of the settings that still hold a documented development value. */
export function developmentSecretsIn(config: AppConfig): string[] {
  const values: Record<string, string | undefined> = {
    ADMIN_TOKEN: config.auth.adminToken,
    INGEST_API_KEY: config.auth.ingestApiKey,
  };
  return Object.keys(DEVELOPMENT_SECRETS).filter((name) => values[name] === DEVELOPMENT_SECRETS[name]);
}
