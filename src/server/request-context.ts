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
import type { GlobalIdType } from '../relay/global-id';
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

/** The DataLoaders a context has made so far (own data, so that each copy of the context makes its own). */
const MADE_LOADERS = Symbol('madeLoaders');

/**
 * What every context shares: its DataLoaders are made when a resolver first asks (many operations
 * never do), and anew after renewLoaders. They sit on the prototype because Apollo copies the
 * context for each operation with Object.assign, which reads every own getter: an own `loaders`
 * getter made all eleven DataLoaders for every request, whether it read through them or not.
 */
const CONTEXT_METHODS = {
  get loaders(): Loaders {
    const context = this as unknown as RequestContext & { [MADE_LOADERS]: Loaders | null };
    return (context[MADE_LOADERS] ??= createLoaders(context.services));
  },
  renewLoaders(): void {
    (this as unknown as { [MADE_LOADERS]: Loaders | null })[MADE_LOADERS] = null;
  },
  async loadNode(this: RequestContext, type: GlobalIdType, key: string): ReturnType<NodeContext['loadNode']> {
    requireScopes(this, 'node', [NODE_SCOPES[type]]);
    switch (type) {
      case 'Customer':
        return this.loaders.customerByKey.load(key);
      case 'TimelineEvent':
        return this.loaders.eventByKey.load(key);
      case 'Case':
        return this.loaders.caseByKey.load(key);
      case 'ApiKey': {
        const row = await this.services.apiKeys.byId(key);
        return row ? ApiKey.fromRow(row, this.services.apiKeys.defaults) : null;
      }
      case 'AuditEntry':
        return this.services.auditLog.byId(key);
      case 'Webhook': {
        const row = await this.services.webhooks.byId(key);
        return row ? webhookFromRow(row) : null;
      }
      default:
        return null;
    }
  },
};

export function createRequestContext(options: {
  services: Services;
  realtime: RealtimeHub;
  log: Logger;
  viewer: Viewer;
  scope: RequestScope | null;
  socket?: { bufferedAmount: number };
}): RequestContext {
  const { services, realtime, log, viewer, scope, socket } = options;
  const own = {
    services,
    realtime,
    log,
    viewer,
    audit: new AuditTrail(),
    socket,
    info: { scope, requestedCost: 0, operation: null, audited: Promise.resolve() },
    [MADE_LOADERS]: null,
  };
  return Object.assign(Object.create(CONTEXT_METHODS) as RequestContext, own);
}
