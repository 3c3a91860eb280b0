import type { Viewer } from '../core/viewer';
import type { ApiKeyService } from './api-keys.service';
import type { AuditLog } from './audit-log.service';
import type { AuditTrail } from './audit-trail';
import type { Authenticator } from './authenticator';

/** What access control needs of the request context (built in server/). */
export interface AccessContext {
  /** The verified caller; every GraphQL request has one. */
  viewer: Viewer;
  audit: AuditTrail;
  services: { apiKeys: ApiKeyService; auditLog: AuditLog; authenticator: Authenticator };
}
