import type { AuditLog } from '../access/audit-log.service';
import type { Logger } from '../core/logger';
import type { Viewer } from '../core/viewer';

/**
 * How often what subscriptions showed is written: at most one INSERT per subscriber credential per
 * interval. Every 5 s, a firehose's 25,000 entries at once slowed every socket's deliveries for
 * half a second; a fifth of that each second is spread thin.
 */
const FLUSH_MS = 1000;
const MAX_HELD = 10_000;
/** Audit entries written by one statement at most. */
const STATEMENT_ENTRIES = 1000;

interface PendingEntries {
  viewer: Viewer;
  operationName: string | null;
  /** Customers shown, each with the first field that showed it. */
  shown: Map<string, string>;
  /** The list added last: a frame of an item this credential was already sent adds nothing new. */
  lastAdded: readonly (readonly [string, string])[] | null;
}

/**
 * Subscription items that showed personal data in clear are audited too, but an item a second
 * to each of thousands of subscribers cannot cost a statement each: what each credential was
 * shown is gathered (each customer once per field) and written every few seconds.
 */
export class SubscriptionAudit {
  /** What each credential was shown, by credential id and operation name. */
  private readonly pending = new Map<string, Map<string | null, PendingEntries>>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly auditLog: AuditLog,
    private readonly log: Logger,
  ) {}

  /**
   * Called for every frame sent: the consoles and tools sharing a credential are sent the same
   * item's `shown` list, which is gathered once for them.
   */
  add(viewer: Viewer, operationName: string | null, shown: readonly (readonly [string, string])[]): void {
    if (shown.length === 0) return;
    let byOperation = this.pending.get(viewer.id);
    if (!byOperation) this.pending.set(viewer.id, (byOperation = new Map()));
    let entry = byOperation.get(operationName);
    if (!entry) byOperation.set(operationName, (entry = { viewer, operationName, shown: new Map(), lastAdded: null }));
    if (entry.lastAdded === shown) return;
    entry.lastAdded = shown;
    for (const [customer, field] of shown) if (!entry.shown.has(customer)) entry.shown.set(customer, field);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_MS);
      this.timer.unref();
    }
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const held = [...this.pending.values()].flatMap((byOperation) => [...byOperation.values()]);
    this.pending.clear();
    // Written STATEMENT_ENTRIES customers at a time, each part's records grouped into one INSERT
    // by the audit log: one statement for everything 10,000 subscribers were shown in a few
    // seconds held the event loop (and every subscriber's next frame) for about 100 ms while its
    // parameters were built.
    const parts: { viewer: Viewer; operationName: string | null; shown: [string, string][] }[][] = [[]];
    let inPart = 0;
    for (const { viewer, operationName, shown } of held) {
      const customers = [...shown];
      for (let from = 0; from < customers.length; ) {
        const take = Math.min(customers.length - from, STATEMENT_ENTRIES - inPart);
        parts.at(-1)!.push({ viewer, operationName, shown: customers.slice(from, from + take) });
        from += take;
        inPart += take;
        if (inPart === STATEMENT_ENTRIES) {
          parts.push([]);
          inPart = 0;
        }
      }
    }
    for (const part of parts) {
      await Promise.all(
        part.map(async ({ viewer, operationName, shown }) => {
          try {
            await this.auditLog.record(viewer, operationName, shown, []);
          } catch (error) {
            // Kept for the next round (each credential's at most MAX_HELD customers), not dropped.
            this.log.warn({ err: error }, 'audit entries of subscription items could not be written; trying again');
            this.add(viewer, operationName, shown.slice(0, MAX_HELD));
          }
        }),
      );
    }
  }
}
