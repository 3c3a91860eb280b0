import { ApiKeyService } from '../access/api-keys.service';
import { AuditLog } from '../access/audit-log.service';
import { Authenticator } from '../access/authenticator';
import { JwtVerifier } from '../access/jwt-verifier';
import { QueryBudgets } from '../access/query-budgets';
import { LIFECYCLE_DEFAULTS, type Config } from '../core/config';
import { CaseService } from '../cases/case.service';
import { casesReadAhead } from '../cases/cases-read-ahead';
import { CustomerInsightsService } from '../insights/customer-insights.service';
import { ExperienceMetricsService } from '../metrics/experience-metrics.service';
import { ServiceMetricsService } from '../metrics/service-metrics.service';
import { CustomerLookup } from '../customers/customer-lookup';
import { CustomerReadAheads } from '../customers/customer-read-ahead';
import { insightsReadAhead } from '../insights/insights-read-ahead';
import { preferencesReadAhead } from '../preferences/preferences-read-ahead';
import { timelineReadAhead } from '../timeline/timeline-read-ahead';
import { CustomerUpsertService } from '../customers/customer-upsert.service';
import { SuppressionList } from '../customers/suppression-list';
import type { Database } from '../db/database';
import { EventRecorder } from '../ingest/event-recorder.service';
import { RecordingThread } from '../ingest/recording-thread';
import { MergeService } from '../merges/merge.service';
import { ConsentHistory } from '../preferences/consent-history';
import { PreferencesService } from '../preferences/preferences.service';
import { CustomerErasureService } from '../privacy/customer-erasure.service';
import { CustomerExportService } from '../privacy/customer-export.service';
import { CustomerSearchService } from '../search/customer-search.service';
import { TimelineService } from '../timeline/timeline.service';
import { WebhookService } from '../webhooks/webhook.service';

/**
 * The services, created once per server process. `databaseUrl` is for the recording thread,
 * which opens a pool of its own (started and stopped with the server).
 */
export function createServices(db: Database, config: Config, databaseUrl: string) {
  const region = config.DEFAULT_PHONE_REGION;
  const apiKeys = new ApiKeyService(db, { capacity: config.BUDGET_KEY_CAPACITY, refillPerSecond: config.BUDGET_KEY_REFILL_PER_SECOND });
  const jwt =
    config.AUTH_JWT_ISSUER && config.AUTH_JWT_AUDIENCE && config.AUTH_JWKS_URL
      ? new JwtVerifier({ issuer: config.AUTH_JWT_ISSUER, audience: config.AUTH_JWT_AUDIENCE, jwksUrl: config.AUTH_JWKS_URL, roleClaim: config.AUTH_JWT_ROLE_CLAIM })
      : null;
  const suppression = new SuppressionList(config.PRIVACY_HASH_KEY);
  const serviceMetrics = new ServiceMetricsService(db);
  const preferences = new PreferencesService(db);
  const timeline = new TimelineService(db);
  const insights = new CustomerInsightsService(db, lifecycleThresholds(config));
  const cases = new CaseService(db, config.CASE_REOPEN_WINDOW);
  const recording = new RecordingThread({ databaseUrl, config });
  return {
    apiKeys,
    authenticator: new Authenticator(apiKeys, jwt, {
      apiKey: apiKeys.defaults,
      jwt: { capacity: config.BUDGET_USER_CAPACITY, refillPerSecond: config.BUDGET_USER_REFILL_PER_SECOND },
    }),
    auditLog: new AuditLog(db),
    budgets: new QueryBudgets(),
    customers: new CustomerLookup(db, region),
    // What an agent card selects of other features is read in the customer's own statement.
    customerReadAheads: new CustomerReadAheads([timelineReadAhead(timeline), preferencesReadAhead(preferences), insightsReadAhead(insights), casesReadAhead(cases)]),
    upserts: new CustomerUpsertService(db, region, suppression),
    preferences,
    consentHistory: new ConsentHistory(db),
    timeline,
    recording,
    recorder: new EventRecorder(recording, region, { operationTimeoutMs: config.OPERATION_TIMEOUT_MS }),
    merges: new MergeService(db),
    search: new CustomerSearchService(db, region),
    cases,
    insights,
    serviceMetrics,
    experienceMetrics: new ExperienceMetricsService(db, serviceMetrics, lifecycleThresholds(config), config.CONVERSION_WINDOW),
    erasure: new CustomerErasureService(db, suppression),
    exports: new CustomerExportService(db),
    webhooks: new WebhookService(db, config.WEBHOOK_ALLOW_PRIVATE_TARGETS),
  };
}

export type Services = ReturnType<typeof createServices>;

/** The configured lifecycle thresholds, with the documented rhythms. */
export function lifecycleThresholds(config: Config) {
  return { atRiskDays: config.LIFECYCLE_AT_RISK_DAYS, churnedDays: config.LIFECYCLE_CHURNED_DAYS, atRiskRhythm: LIFECYCLE_DEFAULTS.atRiskRhythm, churnedRhythm: LIFECYCLE_DEFAULTS.churnedRhythm };
}
