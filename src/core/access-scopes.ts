import { registerEnumType } from 'type-graphql';

/** What a credential may do; every query, mutation and personal field names the scope it needs. */
export enum Scope {
  CUSTOMERS_READ = 'CUSTOMERS_READ',
  CUSTOMERS_WRITE = 'CUSTOMERS_WRITE',
  EVENTS_WRITE = 'EVENTS_WRITE',
  PII_READ = 'PII_READ',
  CASES_WRITE = 'CASES_WRITE',
  METRICS_READ = 'METRICS_READ',
  MERGE = 'MERGE',
  PRIVACY = 'PRIVACY',
  AUDIT_READ = 'AUDIT_READ',
  ADMIN = 'ADMIN',
}
registerEnumType(Scope, {
  name: 'Scope',
  description: 'A permission a credential holds. Roles are named bundles of them.',
  valuesConfig: {
    CUSTOMERS_READ: { description: 'Read customers, their timelines, preferences and consents (personal values masked without PII_READ).' },
    CUSTOMERS_WRITE: { description: 'Create and update profiles, identifiers and preferences.' },
    EVENTS_WRITE: { description: 'Record interactions (record* mutations).' },
    PII_READ: { description: 'See personal values in clear: names, e-mail addresses, phone numbers, handles, message texts, notes. Every such answer is audited.' },
    CASES_WRITE: { description: 'Open, update and re-thread cases.' },
    METRICS_READ: { description: 'Read service and experience metrics.' },
    MERGE: { description: 'Merge and unmerge customers.' },
    PRIVACY: { description: 'Export and erase a customer (GDPR).' },
    AUDIT_READ: { description: 'Read the audit log.' },
    ADMIN: { description: 'Manage API keys and webhooks; subscribe to every customer at once; implies every other scope.' },
  },
});

export enum Role {
  AGENT = 'AGENT',
  INTEGRATION = 'INTEGRATION',
  ANALYST = 'ANALYST',
  ADMIN = 'ADMIN',
}
registerEnumType(Role, {
  name: 'Role',
  description: 'A named bundle of scopes (see ROLE_SCOPES in the README).',
  valuesConfig: {
    AGENT: { description: 'A support agent: CUSTOMERS_READ, CUSTOMERS_WRITE, PII_READ, CASES_WRITE, METRICS_READ.' },
    INTEGRATION: { description: 'A system pushing data: CUSTOMERS_READ, CUSTOMERS_WRITE, EVENTS_WRITE, PII_READ, CASES_WRITE.' },
    ANALYST: { description: 'Reads without personal values: CUSTOMERS_READ, METRICS_READ.' },
    ADMIN: { description: 'Every scope.' },
  },
});

export const ROLE_SCOPES: Record<Role, readonly Scope[]> = {
  [Role.AGENT]: [Scope.CUSTOMERS_READ, Scope.CUSTOMERS_WRITE, Scope.PII_READ, Scope.CASES_WRITE, Scope.METRICS_READ],
  [Role.INTEGRATION]: [Scope.CUSTOMERS_READ, Scope.CUSTOMERS_WRITE, Scope.EVENTS_WRITE, Scope.PII_READ, Scope.CASES_WRITE],
  [Role.ANALYST]: [Scope.CUSTOMERS_READ, Scope.METRICS_READ],
  [Role.ADMIN]: Object.values(Scope),
};

/** The scopes a role and a list of extra scopes give together; ADMIN gives every scope. */
export function grantedScopes(role: Role | null, scopes: readonly Scope[]): Set<Scope> {
  const granted = new Set<Scope>([...(role ? ROLE_SCOPES[role] : []), ...scopes]);
  return granted.has(Scope.ADMIN) ? new Set(Object.values(Scope)) : granted;
}
