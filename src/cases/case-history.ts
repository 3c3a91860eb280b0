import { caseDeliveriesCte } from '../changefeed/webhook-outbox';
import type { Sql } from '../db/database';
import { CaseStatus } from './case.types';

export enum CaseChangeKind {
  OPENED = 'OPENED',
  STATUS = 'STATUS',
  REOPENED = 'REOPENED',
  SUBJECT = 'SUBJECT',
  AGENT = 'AGENT',
  EVENT_ADDED = 'EVENT_ADDED',
  EVENT_REMOVED = 'EVENT_REMOVED',
}

/** One change to a case, as `case_history` keeps it. */
export interface CaseChange {
  caseKey: string;
  /** When it took effect: the interaction's occurredAt for changes the rules make, else now. */
  at: Date;
  change: CaseChangeKind;
  status?: CaseStatus | null;
  value?: string | null;
  eventKey?: string | null;
  rule?: string | null;
  /** A Viewer id, or `rule` for what the case rules did. */
  actor: string;
}

/** Appends changes, and their cases' webhook deliveries, in one statement; the table takes no updates or deletes. */
export async function appendCaseHistory(sql: Sql, changes: readonly CaseChange[]): Promise<void> {
  if (changes.length === 0) return;
  await sql.query(
    `WITH appended AS (
       INSERT INTO case_history (case_id, at, change, status, value, event_id, rule, actor)
       SELECT * FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[])
       RETURNING case_id, change),
     ${caseDeliveriesCte('webhook_deliveries', 'appended')}
     SELECT 1`,
    [
      changes.map((c) => c.caseKey),
      changes.map((c) => c.at),
      changes.map((c) => c.change),
      changes.map((c) => c.status ?? null),
      changes.map((c) => c.value ?? null),
      changes.map((c) => c.eventKey ?? null),
      changes.map((c) => c.rule ?? null),
      changes.map((c) => c.actor),
    ],
    { genericPlan: true },
  );
}
