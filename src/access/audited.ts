import type { AccessContext } from './access.context';
import { AuditAction, AuditOutcome } from './audit-entry.types';

/** What a write touched: the customers it wrote to, and whether any part of it was refused. */
export interface WriteOutcome {
  customerKeys: (string | null | undefined)[];
  userErrors: boolean;
}

/**
 * Runs a write and notes it for the audit log: the customers it wrote to, OK or USER_ERROR;
 * FAILED (with the customers the input named) when it throws.
 */
export async function audited<T>(
  context: AccessContext,
  field: string,
  action: AuditAction,
  work: () => Promise<T>,
  outcomeOf: (result: T) => WriteOutcome,
  namedInInput: (string | null | undefined)[] = [],
  reason: string | null = null,
): Promise<T> {
  try {
    const result = await work();
    const { customerKeys, userErrors } = outcomeOf(result);
    const keys = present(customerKeys);
    if (keys.length > 0) context.audit.wrote({ action, field, customerKeys: keys, outcome: AuditOutcome.OK, reason });
    if (userErrors) context.audit.wrote({ action, field, customerKeys: keys.length > 0 ? [] : present(namedInInput), outcome: AuditOutcome.USER_ERROR, reason });
    return result;
  } catch (error) {
    context.audit.wrote({ action, field, customerKeys: present(namedInInput), outcome: AuditOutcome.FAILED, reason });
    throw error;
  }
}

function present(keys: (string | null | undefined)[]): string[] {
  return [...new Set(keys.filter((key): key is string => typeof key === 'string'))];
}

export { AuditAction };
