import type { Role, Scope } from '../core/access-scopes';
import type { Viewer } from '../core/viewer';
import type { Sql } from '../db/database';
import { toGlobalId } from '../relay/global-id';
import { AuditAction, AuditEntry, AuditOutcome } from './audit-entry.types';
import type { AuditedWrite } from './audit-trail';
import { ViewerInfo } from './viewer.types';

interface AuditRow {
  id: string;
  at: Date;
  actor_id: string;
  actor_name: string;
  actor_role: Role | null;
  actor_scopes: Scope[];
  action: AuditAction;
  customer_id: string | null;
  operation_name: string | null;
  field: string;
  outcome: AuditOutcome;
  reason: string | null;
}

export interface AuditFilter {
  /** A customer: entries about it and about customers merged into it. */
  customerKey: string | null;
  actorId: string | null;
  since: Date | null;
  until: Date | null;
}

const AUDIT_COLUMNS = `a.id::text AS id, at, actor_id, actor_name, actor_role, actor_scopes, action, customer_id, operation_name, field, outcome, reason`;

/** Operation names are the client's own words; only so much of one is kept. */
const OPERATION_NAME_LIMIT = 100;

/**
 * The audit log: appended to in one statement per request, whatever it touched; read by
 * customer, actor and time. Entries hold ids, names of operations and outcomes, never personal
 * values, variables or tokens; the table refuses updates and deletes.
 */
export class AuditLog {
  constructor(private readonly db: Sql) {}

  /** Records what one operation showed and wrote. One INSERT for all of it; nothing when there is nothing. */
  async record(viewer: Viewer, operationName: string | null, shown: readonly (readonly [customerKey: string, field: string])[], writes: readonly AuditedWrite[], sql: Sql = this.db): Promise<void> {
    const entries: { action: AuditAction; customer: string | null; field: string; outcome: AuditOutcome; reason: string | null }[] = [];
    for (const [customer, field] of shown) entries.push({ action: AuditAction.READ, customer, field, outcome: AuditOutcome.OK, reason: null });
    for (const write of writes) {
      const entry = { action: write.action, field: write.field, outcome: write.outcome, reason: write.reason ?? null };
      if (write.customerKeys.length === 0) entries.push({ ...entry, customer: null });
      for (const customer of new Set(write.customerKeys)) entries.push({ ...entry, customer });
    }
    if (entries.length === 0) return;
    await sql.query(
      `INSERT INTO audit_entry (actor_id, actor_name, actor_role, actor_scopes, action, customer_id, operation_name, field, outcome, reason)
       SELECT $1, $2, $3, $4, e.action, e.customer, $5, e.field, e.outcome, e.reason
       FROM unnest($6::text[], $7::uuid[], $8::text[], $9::text[], $10::text[]) AS e(action, customer, field, outcome, reason)`,
      [
        viewer.id,
        viewer.name,
        viewer.role,
        [...viewer.scopes],
        operationName?.slice(0, OPERATION_NAME_LIMIT) ?? null,
        entries.map((e) => e.action),
        entries.map((e) => e.customer),
        entries.map((e) => e.field),
        entries.map((e) => e.outcome),
        entries.map((e) => e.reason),
      ],
    );
  }

  async byId(id: string): Promise<AuditEntry | null> {
    if (!/^[1-9]\d{0,18}$/.test(id)) return null;
    const [row] = await this.db.query<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_entry a WHERE a.id = $1`,
      [id],
    );
    return row ? toAuditEntry(row) : null;
  }

  /** Entries newest first, keyset-paged by id. */
  async list(filter: AuditFilter, limit: number, beforeId: string | null): Promise<AuditEntry[]> {
    const rows = await this.db.query<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_entry a
       WHERE ($1::uuid IS NULL OR customer_id = $1 OR customer_id IN (SELECT id FROM customer WHERE merged_into = $1))
         AND ($2::text IS NULL OR actor_id = $2)
         AND ($3::timestamptz IS NULL OR at >= $3)
         AND ($4::timestamptz IS NULL OR at < $4)
         AND ($5::bigint IS NULL OR a.id < $5)
       ORDER BY a.id DESC LIMIT $6`,
      [filter.customerKey, filter.actorId, filter.since, filter.until, beforeId, limit],
    );
    return rows.map(toAuditEntry);
  }
}

function toAuditEntry(row: AuditRow): AuditEntry {
  return Object.assign(new AuditEntry(), {
    id: toGlobalId('AuditEntry', row.id),
    at: row.at,
    actor: Object.assign(new ViewerInfo(), { id: row.actor_id, name: row.actor_name, role: row.actor_role, scopes: row.actor_scopes }),
    action: row.action,
    customerId: row.customer_id ? toGlobalId('Customer', row.customer_id) : null,
    operationName: row.operation_name,
    field: row.field,
    outcome: row.outcome,
    reason: row.reason,
  });
}
