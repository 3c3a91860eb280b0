import { CustomerChangeKind } from '../changefeed/notifications';
import { announceCustomerChanges } from '../changefeed/publisher';
import type { EventKind, Direction, IdentifierKind } from '../core/enums';
import { UserErrorCode, UserInputProblem } from '../core/errors';
import { isStorableText } from '../core/storable-text';
import { CUSTOMER_COLUMNS, ERASED_DISPLAY_NAME, type CustomerRow } from '../customers/customer.types';
import type { SuppressionList } from '../customers/suppression-list';
import type { Database, Sql } from '../db/database';
import { refreshCustomerOrders } from '../insights/customer-orders';
import { keyOf } from '../relay/global-id';
import { lockCustomerGroup, type CustomerGroup } from './customer-group';
import { erasedSummary, orderPlaceholders, redactedDetails, redactedSnapshot } from './redaction';

export interface EraseRequest {
  customerId: string;
  reason?: string | null;
  suppress?: boolean | null;
}

export interface Erasure {
  customer: CustomerRow;
  group: CustomerGroup;
  erasedAt: Date;
  identifiersRemoved: number;
  eventsRedacted: number;
}

/** Events are redacted this many at a time, so a long history does not sit in memory at once. */
const EVENT_BATCH = 1000;
const REASON_LIMIT = 500;
/** What an erased customer's cases are called. */
const ERASED_CASE_SUBJECT = 'Erased case';

/** The reason as the audit log may keep it: null when there is none or it is refused. */
export function acceptableReason(reason: string | null | undefined): string | null {
  return reason != null && reason.length <= REASON_LIMIT && isStorableText(reason) ? reason : null;
}

/**
 * The right to erasure: removes every personal value of a person (the customer and every customer
 * merged into it) from every table, in one transaction, and keeps what metrics are made of.
 * - profiles and preferences: cleared; the display name becomes "Erased customer";
 * - identifiers: deleted; with `suppress`, kept only as keyed hashes that later writes are checked against;
 * - events: stay, with kind, time, channel, direction, source, external id (so a source that
 *   sends one again finds it and does not store it anew), agent, and the details metrics need;
 *   everything else dropped and the summary rewritten without personal text;
 * - consents: channel and choice stay (a record that consent was given or withdrawn); sources cleared;
 * - the merge ledger: the person's snapshots redacted;
 * - the audit log holds no personal values, so it stays as it is.
 * Erasing again is harmless and keeps the first erasedAt.
 */
export class CustomerErasureService {
  constructor(
    private readonly db: Database,
    private readonly suppression: SuppressionList,
  ) {}

  async erase(request: EraseRequest): Promise<Erasure> {
    const key = keyOf(request.customerId, 'Customer');
    if (!key) throw UserInputProblem.one(UserErrorCode.INVALID, 'Not a customer id.', ['input', 'customerId']);
    if (request.reason != null && acceptableReason(request.reason) === null) {
      throw UserInputProblem.one(UserErrorCode.INVALID, `\`reason\` must be at most ${REASON_LIMIT} characters of storable text.`, ['input', 'reason']);
    }
    return this.db.transaction(async (sql) => {
      const group = await lockCustomerGroup(sql, key);
      if (!group) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No customer has this id.', ['input', 'customerId']);
      const identifiersRemoved = await this.removeIdentifiers(sql, group, Boolean(request.suppress));
      const customer = await this.clearProfiles(sql, group);
      await sql.query(`UPDATE consent SET source = NULL WHERE customer_id = ANY($1::uuid[]) AND source IS NOT NULL`, [group.keys]);
      await sql.query(`UPDATE consent_change SET source = NULL WHERE customer_id = ANY($1::uuid[]) AND source IS NOT NULL`, [group.keys]);
      const eventsRedacted = await this.redactEvents(sql, group);
      await this.redactCases(sql, group);
      // Order numbers became placeholders: the orders are keyed anew (the same orders, the same sums).
      await refreshCustomerOrders(sql, group.keys);
      await this.redactLedger(sql, group);
      await announceCustomerChanges(sql, [{ kind: CustomerChangeKind.ERASED, customerKey: group.rootKey }]);
      return { customer, group, erasedAt: customer.erased_at!, identifiersRemoved, eventsRedacted };
    });
  }

  private async removeIdentifiers(sql: Sql, group: CustomerGroup, suppress: boolean): Promise<number> {
    const removed = await sql.query<{ kind: IdentifierKind; namespace: string; value: string }>(
      `DELETE FROM customer_identifier WHERE customer_id = ANY($1::uuid[]) RETURNING kind, namespace, value`,
      [group.keys],
    );
    if (suppress) await this.suppression.suppress(sql, removed);
    return removed.length;
  }

  private async clearProfiles(sql: Sql, group: CustomerGroup): Promise<CustomerRow> {
    const rows = await sql.query<CustomerRow>(
      `UPDATE customer c SET display_name = $2, given_name = NULL, family_name = NULL, locale = NULL, time_zone = NULL,
         preferred_channel = NULL, language = NULL, contact_hours = NULL, notes = '{}',
         erased_at = coalesce(c.erased_at, now()), version = c.version + 1, updated_at = now()
       WHERE c.id = ANY($1::uuid[]) RETURNING ${CUSTOMER_COLUMNS}`,
      [group.keys, ERASED_DISPLAY_NAME],
    );
    return rows.find((row) => row.id === group.rootKey)!;
  }

  private async redactEvents(sql: Sql, group: CustomerGroup): Promise<number> {
    let count = 0;
    const placeholder = orderPlaceholders();
    for (let after = '0'; ; ) {
      const events = await sql.query<{ id: string; kind: EventKind; direction: Direction | null; details: Record<string, unknown> }>(
        `SELECT e.id::text AS id, kind, direction, details FROM timeline_event e WHERE customer_id = ANY($1::uuid[]) AND e.id > $2::bigint ORDER BY e.id LIMIT $3`,
        [group.keys, after, EVENT_BATCH],
      );
      if (events.length === 0) return count;
      const redacted = events.map((event) => redactedDetails(event.kind, event.details, placeholder));
      await sql.query(
        `UPDATE timeline_event e SET details = r.details, summary = r.summary
         FROM unnest($1::bigint[], $2::jsonb[], $3::text[]) AS r(id, details, summary) WHERE e.id = r.id`,
        [events.map((e) => e.id), redacted.map((d) => JSON.stringify(d)), events.map((e, i) => erasedSummary(e.kind, e.direction, redacted[i]))],
      );
      count += events.length;
      if (events.length < EVENT_BATCH) return count;
      after = events[events.length - 1].id;
    }
  }

  /**
   * Cases stay, with their figures; their subjects (often an e-mail's subject line) go, in the
   * cases and in their history, which takes this one rewrite because the transaction says it erases.
   */
  private async redactCases(sql: Sql, group: CustomerGroup): Promise<void> {
    await sql.query(`UPDATE support_case SET subject = $2 WHERE customer_id = ANY($1::uuid[])`, [group.keys, ERASED_CASE_SUBJECT]);
    await sql.query(`SELECT set_config('customer_timeline.erasing', 'on', true)`);
    await sql.query(
      `UPDATE case_history h SET value = NULL FROM support_case sc
       WHERE h.case_id = sc.id AND sc.customer_id = ANY($1::uuid[]) AND h.change IN ('OPENED', 'SUBJECT') AND h.value IS NOT NULL`,
      [group.keys],
    );
    await sql.query(`SELECT set_config('customer_timeline.erasing', 'off', true)`);
  }

  /**
   * Snapshots of the person in merges they took part in. A merge within the group has all three
   * redacted. A merge with someone else (undone since, or the group would include them): the
   * person's own snapshot is redacted; the other's is theirs and stays; the survivor's "after"
   * is the survivor's own when the other survived (what the person brought to it removed), and
   * redacted when the person survived.
   */
  private async redactLedger(sql: Sql, group: CustomerGroup): Promise<void> {
    const rows = await sql.query<{ id: string; survivor_id: string; merged_id: string; survivor_before: any; merged_before: any; survivor_after: any }>(
      `SELECT id::text, survivor_id, merged_id, survivor_before, merged_before, survivor_after FROM customer_merge
       WHERE survivor_id = ANY($1::uuid[]) OR merged_id = ANY($1::uuid[])`,
      [group.keys],
    );
    if (rows.length === 0) return;
    const members = new Set(group.keys);
    const updated = rows.map((row) => {
      const survivorErased = members.has(row.survivor_id);
      const mergedErased = members.has(row.merged_id);
      return {
        id: row.id,
        survivorBefore: survivorErased ? redactedSnapshot(row.survivor_before) : row.survivor_before,
        mergedBefore: mergedErased ? redactedSnapshot(row.merged_before) : row.merged_before,
        survivorAfter: survivorErased ? redactedSnapshot(row.survivor_after) : { ...row.survivor_before, version: row.survivor_after.version },
      };
    });
    await sql.query(
      `UPDATE customer_merge m SET survivor_before = r.survivor_before, merged_before = r.merged_before, survivor_after = r.survivor_after
       FROM unnest($1::bigint[], $2::jsonb[], $3::jsonb[], $4::jsonb[]) AS r(id, survivor_before, merged_before, survivor_after) WHERE m.id = r.id`,
      [updated.map((u) => u.id), updated.map((u) => JSON.stringify(u.survivorBefore)), updated.map((u) => JSON.stringify(u.mergedBefore)), updated.map((u) => JSON.stringify(u.survivorAfter))],
    );
  }
}
