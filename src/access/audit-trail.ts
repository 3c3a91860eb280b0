import type { AuditAction, AuditOutcome } from './audit-entry.types';

/** A write (or export, erase, merge) of one operation, as the audit log records it. */
export interface AuditedWrite {
  action: AuditAction;
  /** The root field, e.g. `upsertCustomer`. */
  field: string;
  customerKeys: readonly string[];
  outcome: AuditOutcome;
  /** The operator's words for an erasure (a request or ticket reference). */
  reason?: string | null;
}

/**
 * What one request (or one delivered subscription item) did that the audit log must hold: the
 * customers whose personal data it showed in clear, and what it wrote. Written at the end, in one
 * statement, by the server's audit plugin.
 */
export class AuditTrail {
  /** Customers whose personal data was shown, each with the root field that first showed it. */
  readonly shownCustomers = new Map<string, string>();
  readonly writes: AuditedWrite[] = [];

  shown(customerKey: string | null | undefined, field: string): void {
    if (customerKey && !this.shownCustomers.has(customerKey)) this.shownCustomers.set(customerKey, field);
  }

  wrote(write: AuditedWrite): void {
    this.writes.push(write);
  }

  get isEmpty(): boolean {
    return this.shownCustomers.size === 0 && this.writes.length === 0;
  }

  /** Takes what was gathered so far, leaving the trail empty (for subscriptions, item by item). */
  drain(): { shown: [customerKey: string, field: string][]; writes: AuditedWrite[] } {
    const taken = { shown: [...this.shownCustomers], writes: [...this.writes] };
    this.shownCustomers.clear();
    this.writes.length = 0;
    return taken;
  }
}
