import type { Role, Scope } from '../core/access-scopes';
import type { Viewer } from '../core/viewer';
import { badUserInput } from '../core/errors';
import { GroupCommit } from '../core/group-commit';
import { currentScope, type RequestScope } from '../core/request-scope';
import { findUnstorableText } from '../core/storable-text';
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

/** One entry as it is written: who, what, about whom. */
interface NewAuditEntry {
  viewer: Viewer;
  operationName: string | null;
  action: AuditAction;
  customer: string | null;
  field: string;
  outcome: AuditOutcome;
  reason: string | null;
}

/** A write that takes longer fails the requests waiting for it: their answers are withheld. */
const WRITE_TIMEOUT_MS = 5000;
/** Requests whose entries one INSERT carries at most. */
const REQUESTS_PER_INSERT = 256;

/**
 * The audit log: appended to before each answer goes out, whatever the request touched; read by
 * customer, actor and time. Entries hold ids, names of operations and outcomes, never personal
 * values, variables or tokens; the table refuses updates and deletes.
 *
 * Requests that finish while an INSERT is on its way wait for the next one, which carries all
 * their entries (a group commit): under load one statement and one commit serve many requests,
 * and a lone request waits for nothing but its own. Each request still waits until its entries
 * are committed, and when an INSERT fails, every request it carried fails.
 */
export class AuditLog {
  private readonly groups = new GroupCommit<NewAuditEntry[], void>(
    async (requests, scope) => {
      await this.insert(requests.flat(), scope);
      return requests.map(() => undefined);
    },
    { maxItems: REQUESTS_PER_INSERT, maxInFlight: 1, timeoutMs: WRITE_TIMEOUT_MS },
  );

  constructor(private readonly db: Sql) {}

  /** Records what one operation showed and wrote; resolves once it is committed. Nothing when there is nothing. */
  async record(viewer: Viewer, operationName: string | null, shown: readonly (readonly [customerKey: string, field: string])[], writes: readonly AuditedWrite[]): Promise<void> {
    const name = operationName?.slice(0, OPERATION_NAME_LIMIT) ?? null;
    const entries: NewAuditEntry[] = [];
    for (const [customer, field] of shown) entries.push({ viewer, operationName: name, action: AuditAction.READ, customer, field, outcome: AuditOutcome.OK, reason: null });
    for (const write of writes) {
      const entry = { viewer, operationName: name, action: write.action, field: write.field, outcome: write.outcome, reason: write.reason ?? null };
      if (write.customerKeys.length === 0) entries.push({ ...entry, customer: null });
      for (const customer of new Set(write.customerKeys)) entries.push({ ...entry, customer });
    }
    if (entries.length === 0) return;
    // One request's unstorable text must not fail the others it would be written with.
    if (findUnstorableText([viewer.id, viewer.name, name, entries.map((e) => e.reason)])) {
      throw badUserInput('The audit entry holds characters that cannot be stored.', { reason: 'UNSTORABLE_TEXT' });
    }
    const { statements } = await this.groups.submit(entries);
    // The statement that carried these entries counts for this request, as when it ran alone.
    const scope = currentScope();
    if (scope) scope.statements += statements;
  }

  private async insert(entries: NewAuditEntry[], scope: RequestScope): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_entry (actor_id, actor_name, actor_role, actor_scopes, action, customer_id, operation_name, field, outcome, reason)
       SELECT e.actor_id, e.actor_name, e.actor_role, string_to_array(e.actor_scopes, ','), e.action, e.customer, e.operation_name, e.field, e.outcome, e.reason
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::uuid[], $7::text[], $8::text[], $9::text[], $10::text[])
         AS e(actor_id, actor_name, actor_role, actor_scopes, action, customer, operation_name, field, outcome, reason)`,
      [
        entries.map((e) => e.viewer.id),
        entries.map((e) => e.viewer.name),
        entries.map((e) => e.viewer.role),
        // Scopes are enum names: no commas in them.
        entries.map((e) => [...e.viewer.scopes].join(',')),
        entries.map((e) => e.action),
        entries.map((e) => e.customer),
        entries.map((e) => e.operationName),
        entries.map((e) => e.field),
        entries.map((e) => e.outcome),
        entries.map((e) => e.reason),
      ],
      { scope },
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

  /**
   * Entries newest first, keyset-paged by id. Only the filters given become conditions. One
   * customer's entries (and those of customers merged into it) are read per customer from its
   * index, newest first, `limit` at most each: a single `customer_id = ANY(...)` left PostgreSQL
   * free to walk back through everyone's entries by id, which it did whenever its estimates said so.
   */
  async list(filter: AuditFilter, limit: number, beforeId: string | null): Promise<AuditEntry[]> {
    const params: unknown[] = [];
    const conditions: string[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.actorId) conditions.push(`a.actor_id = ${param(filter.actorId)}`);
    if (filter.since) conditions.push(`a.at >= ${param(filter.since)}`);
    if (filter.until) conditions.push(`a.at < ${param(filter.until)}`);
    if (beforeId) conditions.push(`a.id < ${param(beforeId)}::bigint`);
    const max = param(limit);
    if (filter.customerKey) {
      const customer = param(filter.customerKey);
      const rows = await this.db.query<AuditRow>(
        `SELECT a.* FROM unnest(ARRAY[${customer}::uuid] || ARRAY(SELECT id FROM customer WHERE merged_into = ${customer}::uuid)) AS c(id)
         CROSS JOIN LATERAL (
           SELECT ${AUDIT_COLUMNS}, a.id AS newest FROM audit_entry a WHERE a.customer_id = c.id ${conditions.map((condition) => `AND ${condition}`).join(' ')}
           ORDER BY a.id DESC LIMIT ${max}) a
         ORDER BY a.newest DESC LIMIT ${max}`,
        params,
      );
      return rows.map(toAuditEntry);
    }
    const rows = await this.db.query<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_entry a ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ORDER BY a.id DESC LIMIT ${max}`,
      params,
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
