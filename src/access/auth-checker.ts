import type { AuthChecker } from 'type-graphql';
import { Scope } from '../core/access-scopes';
import { forbidden } from '../core/errors';
import { keyOf } from '../relay/global-id';
import type { AccessContext } from './access.context';
import { AuditAction, AuditOutcome } from './audit-entry.types';

/** Mutations whose refusal the audit log records, with the action they would have been. */
const AUDITED_ACTION: Record<string, AuditAction> = {
  mergeCustomers: AuditAction.MERGE,
  unmergeCustomers: AuditAction.UNMERGE,
  customerExport: AuditAction.EXPORT,
  eraseCustomer: AuditAction.ERASE,
};

/**
 * `@Authorized(...scopes)`: the caller needs every scope listed. Without one, the field answers
 * null with a FORBIDDEN error naming the scope, and nothing of it runs; a refused mutation or
 * privacy operation is recorded in the audit log as FORBIDDEN.
 */
export const authChecker: AuthChecker<AccessContext, Scope> = ({ context, info, args }, scopes) => {
  const missing = scopes.filter((scope) => !context.viewer?.scopes.has(scope));
  if (missing.length === 0) return true;
  const root = !info.path.prev;
  if (root && (info.parentType.name === 'Mutation' || info.fieldName in AUDITED_ACTION)) {
    context.audit.wrote({ action: AUDITED_ACTION[info.fieldName] ?? AuditAction.WRITE, field: info.fieldName, customerKeys: customersNamedIn(args), outcome: AuditOutcome.FORBIDDEN });
  }
  requireScopes(context, info.fieldName, scopes);
  return true;
};

const CUSTOMER_ARGUMENTS = new Set(['id', 'customerId', 'survivorId', 'mergedId']);

/** The customers a refused operation's arguments name by id, so the refusal is found under them. */
function customersNamedIn(value: unknown, depth = 0, found = new Set<string>()): string[] {
  if (depth > 4 || value === null || typeof value !== 'object') return [...found];
  for (const [name, item] of Object.entries(value)) {
    if (typeof item === 'string' && CUSTOMER_ARGUMENTS.has(name)) {
      const key = keyOf(item, 'Customer');
      if (key) found.add(key);
    } else {
      customersNamedIn(item, depth + 1, found);
    }
  }
  return [...found];
}

/** The same rule for code that checks by hand (subscriptions' subscribe, node): FORBIDDEN naming what is missing. */
export function requireScopes(context: AccessContext, field: string, scopes: readonly Scope[]): void {
  const missing = scopes.filter((scope) => !context.viewer?.scopes.has(scope));
  if (missing.length > 0) throw forbidden(`\`${field}\` needs the scope${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, which this credential does not have.`);
}
