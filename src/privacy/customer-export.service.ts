import type { Database, Sql } from '../db/database';
import { keyOf, toGlobalId } from '../relay/global-id';
import { findCustomerGroup, type CustomerGroup } from './customer-group';

/** The version of the export document's layout, for whoever reads it later. */
const EXPORT_FORMAT = 'customer-timeline.export.v1';

export interface CustomerExport {
  group: CustomerGroup;
  document: Record<string, unknown>;
}

/**
 * The right of access: every stored fact about a person (the customer and every customer merged
 * into it) as one JSON document, read in one snapshot (a REPEATABLE READ transaction), so its
 * parts agree with each other. Ids are the API's global ids; times ISO 8601.
 */
export class CustomerExportService {
  constructor(private readonly db: Database) {}

  /** Null when no customer has the id. */
  async export(customerId: string): Promise<CustomerExport | null> {
    const key = keyOf(customerId, 'Customer');
    if (!key) return null;
    return this.db.transaction(async (sql) => {
      await sql.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const group = await findCustomerGroup(sql, key);
      if (!group) return null;
      return { group, document: await this.documentOf(sql, group) };
    });
  }

  private async documentOf(sql: Sql, group: CustomerGroup): Promise<Record<string, unknown>> {
    const keys = group.keys;
    const customers = await sql.query<Record<string, any>>(
      `SELECT id, display_name, given_name, family_name, locale, time_zone, preferred_channel, language, contact_hours, notes,
              version, created_at, updated_at, merged_into, merged_at, erased_at
       FROM customer WHERE id = ANY($1::uuid[])`,
      [keys],
    );
    const identifiers = await sql.query<Record<string, any>>(
      `SELECT kind, namespace, value, verified, source, added_at, customer_id, origin_customer_id FROM customer_identifier
       WHERE customer_id = ANY($1::uuid[]) ORDER BY added_at, id`,
      [keys],
    );
    const consents = await sql.query<Record<string, any>>(`SELECT channel, granted, source, updated_at FROM consent WHERE customer_id = ANY($1::uuid[]) ORDER BY channel`, [keys]);
    const consentHistory = await sql.query<Record<string, any>>(
      `SELECT channel, granted, source, changed_at, origin_customer_id FROM consent_change WHERE customer_id = ANY($1::uuid[]) ORDER BY changed_at, id`,
      [keys],
    );
    const events = await sql.query<Record<string, any>>(
      `SELECT e.id::text AS id, kind, channel, direction, occurred_at, received_at, summary, source, external_id, agent_id, details, origin_customer_id, case_id, case_rule
       FROM timeline_event e WHERE customer_id = ANY($1::uuid[]) ORDER BY occurred_at, e.id`,
      [keys],
    );
    const merges = await sql.query<Record<string, any>>(
      `SELECT survivor_id, merged_id, merged_at, unmerged_at, source, survivor_before, merged_before, survivor_after FROM customer_merge
       WHERE survivor_id = ANY($1::uuid[]) OR merged_id = ANY($1::uuid[]) ORDER BY merged_at, id`,
      [keys],
    );
    const cases = await sql.query<Record<string, any>>(
      `SELECT sc.id, sc.number, sc.subject, sc.status, sc.agent_id, sc.opened_at, sc.first_response_at, sc.resolved_at, sc.reopen_count, sc.contact_count,
              sc.channels, sc.follows_case_id, sc.customer_id,
              coalesce((SELECT json_agg(json_build_object('at', h.at, 'change', h.change, 'status', h.status, 'value', h.value, 'eventId', h.event_id, 'rule', h.rule, 'actor', h.actor) ORDER BY h.at, h.id)
                        FROM case_history h WHERE h.case_id = sc.id), '[]') AS history
       FROM support_case sc WHERE sc.customer_id = ANY($1::uuid[]) ORDER BY sc.opened_at, sc.id`,
      [keys],
    );
    const audit = await sql.query<Record<string, any>>(
      `SELECT a.id::text AS id, at, actor_id, actor_name, actor_role, action, customer_id, operation_name, field, outcome, reason FROM audit_entry a
       WHERE customer_id = ANY($1::uuid[]) ORDER BY a.id`,
      [keys],
    );
    const customerId = (key: string | null) => (key ? toGlobalId('Customer', key) : null);
    const profile = (row: Record<string, any>) => ({
      id: customerId(row.id),
      displayName: row.display_name,
      givenName: row.given_name,
      familyName: row.family_name,
      locale: row.locale,
      timeZone: row.time_zone,
      version: row.version,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      mergedInto: customerId(row.merged_into),
      mergedAt: row.merged_at,
      erasedAt: row.erased_at,
      preferences: { preferredChannel: row.preferred_channel, language: row.language, contactHours: row.contact_hours, notes: row.notes },
    });
    const root = customers.find((row) => row.id === group.rootKey)!;
    return {
      format: EXPORT_FORMAT,
      exportedAt: new Date(),
      customer: profile(root),
      mergedCustomers: customers.filter((row) => row.id !== group.rootKey).map(profile),
      identifiers: identifiers.map((row) => ({
        kind: row.kind,
        namespace: row.namespace || null,
        value: row.value,
        verified: row.verified,
        source: row.source,
        addedAt: row.added_at,
        customerId: customerId(row.customer_id),
        originCustomerId: customerId(row.origin_customer_id),
      })),
      consents: consents.map((row) => ({ channel: row.channel, granted: row.granted, source: row.source, updatedAt: row.updated_at })),
      consentHistory: consentHistory.map((row) => ({ channel: row.channel, granted: row.granted, source: row.source, changedAt: row.changed_at, originCustomerId: customerId(row.origin_customer_id) })),
      events: events.map((row) => ({
        id: toGlobalId('TimelineEvent', row.id),
        kind: row.kind,
        channel: row.channel,
        direction: row.direction,
        occurredAt: row.occurred_at,
        receivedAt: row.received_at,
        summary: row.summary,
        source: row.source,
        externalId: row.external_id,
        agentId: row.agent_id,
        originCustomerId: customerId(row.origin_customer_id),
        caseId: row.case_id ? toGlobalId('Case', row.case_id) : null,
        caseRule: row.case_rule,
        details: row.details,
      })),
      cases: cases.map((row) => ({
        id: toGlobalId('Case', row.id),
        number: row.number,
        subject: row.subject,
        status: row.status,
        agentId: row.agent_id,
        openedAt: row.opened_at,
        firstResponseAt: row.first_response_at,
        resolvedAt: row.resolved_at,
        reopenCount: row.reopen_count,
        contactCount: row.contact_count,
        channels: row.channels,
        followsCaseId: row.follows_case_id ? toGlobalId('Case', row.follows_case_id) : null,
        history: (row.history as Record<string, unknown>[]).map((entry) => ({ ...entry, eventId: entry.eventId ? toGlobalId('TimelineEvent', String(entry.eventId)) : null })),
      })),
      merges: merges.map((row) => ({
        survivorId: customerId(row.survivor_id),
        mergedId: customerId(row.merged_id),
        mergedAt: row.merged_at,
        unmergedAt: row.unmerged_at,
        source: row.source,
        survivorBefore: row.survivor_before,
        mergedBefore: row.merged_before,
        survivorAfter: row.survivor_after,
      })),
      auditEntries: audit.map((row) => ({
        id: toGlobalId('AuditEntry', row.id),
        at: row.at,
        actor: { id: row.actor_id, name: row.actor_name, role: row.actor_role },
        action: row.action,
        customerId: customerId(row.customer_id),
        operationName: row.operation_name,
        field: row.field,
        outcome: row.outcome,
        reason: row.reason,
      })),
    };
  }
}
