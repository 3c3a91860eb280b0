import type { AccessContext } from '../access/access.context';
import { requireScopes } from '../access/auth-checker';
import { ApiKey } from '../access/api-key.types';
import { AuditTrail } from '../access/audit-trail';
import { Scope } from '../core/access-scopes';
import type { Logger } from '../core/logger';
import type { Viewer } from '../core/viewer';
import type { RequestScope } from '../core/request-scope';
import type { CustomersContext } from '../customers/customer.context';
import type { IngestContext } from '../ingest/ingest.context';
import type { MergesContext } from '../merges/merge.context';
import type { PreferencesContext } from '../preferences/preferences.context';
import type { PrivacyContext } from '../privacy/privacy.context';
import type { CasesContext } from '../cases/case.context';
import type { InsightsContext } from '../insights/insights.context';
import type { MetricsContext } from '../metrics/metrics.context';
import type { RealtimeContext } from '../realtime/realtime.context';
import type { RealtimeHub } from '../realtime/realtime-hub';
import type { NodeContext } from '../relay/node.resolver';
import type { SearchContext } from '../search/customer-search.context';
import type { TimelineContext } from '../timeline/timeline.context';
import { createLoaders, type Loaders } from './loaders';
import type { Services } from './services';
import { webhookFromRow } from '../webhooks/webhook-rows';
import type { WebhooksContext } from '../webhooks/webhooks.context';

/** What the server knows about the operation a context serves, for its plugins and its log line. */
export interface OperationInfo {
  /** Database statements, deadline and connection bound of the request (HTTP; one per subscribe on WebSocket). */
  scope: RequestScope | null;
  /** Computed before execution; 0 until then. */
  requestedCost: number;
  operation: 'query' | 'mutation' | 'subscription' | null;
  /** Settles once the operation's audit entries are written, so the log line counts their statement. */
  audited: Promise<void>;
}

/**
 * The one context of every resolver, for HTTP and WebSocket alike: whatever each feature's
 * resolvers ask of it (the intersection makes the compiler check that this object gives it).
 */
export type RequestContext = AccessContext &
  CustomersContext &
  TimelineContext &
  PreferencesContext &
  IngestContext &
  MergesContext &
  SearchContext &
  PrivacyContext &
  CasesContext &
  InsightsContext &
  MetricsContext &
  RealtimeContext &
  WebhooksContext &
  NodeContext & {
    services: Services;
    loaders: Loaders;
    log: Logger;
    info: OperationInfo;
  };

/** The scope `node(id)` needs for each type: the same as the fields that lead to it. */
const NODE_SCOPES: Record<string, Scope> = { Customer: Scope.CUSTOMERS_READ, TimelineEvent: Scope.CUSTOMERS_READ, Case: Scope.CUSTOMERS_READ, ApiKey: Scope.ADMIN, AuditEntry: Scope.AUDIT_READ, User: Scope.ADMIN, Webhook: Scope.ADMIN, WebhookDelivery: Scope.ADMIN };

export function createRequestContext(options: {
  services: Services;
  realtime: RealtimeHub;
  log: Logger;
  viewer: Viewer;
  scope: RequestScope | null;
  socket?: { bufferedAmount: number };
}): RequestContext {
  const { services, realtime, log, viewer, scope, socket } = options;
  // Made when a resolver first asks (many operations never do), and anew after renewLoaders.
  let loaders: Loaders | null = null;
  const context: RequestContext = {
    services,
    realtime,
    log,
    viewer,
    audit: new AuditTrail(),
    socket,
    info: { scope, requestedCost: 0, operation: null, audited: Promise.resolve() },
    get loaders(): Loaders {
      return (loaders ??= createLoaders(services));
    },
    renewLoaders() {
      loaders = null;
    },
    async loadNode(type, key) {
      requireScopes(context, 'node', [NODE_SCOPES[type]]);
      switch (type) {
        case 'Customer':
          return context.loaders.customerByKey.load(key);
        case 'TimelineEvent':
          return context.loaders.eventByKey.load(key);
        case 'Case':
          return context.loaders.caseByKey.load(key);
        case 'ApiKey': {
          const row = await services.apiKeys.byId(key);
          return row ? ApiKey.fromRow(row, services.apiKeys.defaults) : null;
        }
        case 'AuditEntry':
          return services.auditLog.byId(key);
        case 'Webhook': {
          const row = await services.webhooks.byId(key);
          return row ? webhookFromRow(row) : null;
        }
        default:
          return null;
      }
    },
  };
  return context;
}
