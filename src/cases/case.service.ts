import { randomUUID } from 'node:crypto';
import { UserError, UserErrorCode, UserInputProblem, badUserInput } from '../core/errors';
import { isStorableText } from '../core/storable-text';
import { lockLiveCustomer } from '../customers/identity-matching';
import type { Database, Sql } from '../db/database';
import { connectionFrom, type PageRequest } from '../relay/connection';
import { decodeCursor, encodeCursor } from '../relay/cursor';
import { keyOf } from '../relay/global-id';
import { pagesInGroups } from '../relay/grouped-pages';
import { CaseChangeKind, appendCaseHistory, type CaseChange } from './case-history';
import type { CaseHistoryRow } from './case-history.types';
import { recomputeCases } from './case-figures';
import { lockCustomersCases } from './case-locks';
import {
  CASE_COLUMNS,
  Case,
  CaseRule,
  CaseStatus,
  effectiveStatus,
  type CaseConnection,
  type CaseRow,
  type MoveEventsToCaseInput,
  type OpenCaseInput,
  type UpdateCaseInput,
} from './case.types';

/** A case as a page reads it: with its opening time as its cursor writes it. */
type CasePageRow = CaseRow & { position_at: string };

/** A case's opening time in UTC with microseconds, for keyset cursors. */
const POSITION_AT = `to_char(sc.opened_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface CasePageRequest {
  customerKey: string;
  statuses: CaseStatus[] | null;
  page: PageRequest;
}

export interface CaseHistoryPageRequest {
  caseKey: string;
  page: PageRequest;
}

const MAX_EVENTS_PER_CHANGE = 100;
const CASE_CURSOR = 'case1';
const HISTORY_CURSOR = 'ch1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Reading cases, and the changes agents make to them: open, update, move events between them. */
export class CaseService {
  constructor(
    private readonly db: Database,
    readonly reopenWindowMs: number,
  ) {}

  toCase = (row: CaseRow): Case => Case.fromRow(row, this.reopenWindowMs);

  async casesByKey(keys: readonly string[]): Promise<(Case | null)[]> {
    const rows = await this.db.query<CaseRow>(`SELECT ${CASE_COLUMNS} FROM support_case sc WHERE sc.id = ANY($1::uuid[])`, [keys]);
    const byKey = new Map(rows.map((row) => [row.id, this.toCase(row)]));
    return keys.map((key) => byKey.get(key) ?? null);
  }

  /** Customers' cases, newest opened first; requests with the same arguments share one statement. */
  async pages(requests: readonly CasePageRequest[]): Promise<CaseConnection[]> {
    return pagesInGroups(requests, (r) => [r.page, r.statuses], async (group) => {
      const { page, statuses } = group[0];
      const params: unknown[] = [[...new Set(group.map((r) => r.customerKey))]];
      const { where, order, limit } = this.pageConditions(page, statuses, params);
      const rows = await this.db.query<CasePageRow>(
        `SELECT page.* FROM unnest($1::uuid[]) AS c(id) CROSS JOIN LATERAL (
           SELECT ${CASE_COLUMNS}, ${POSITION_AT} AS position_at FROM support_case sc WHERE ${where} ORDER BY ${order} LIMIT ${limit}) page`,
        params,
      );
      return group.map((request) => this.connectionOf(rows.filter((row) => row.customer_id === request.customerKey), page));
    });
  }

  /**
   * One customer's page of cases (the customer `c` of the statement it is part of) as one JSON
   * array, its values appended to `params`: for reading the page in the customer's own
   * statement. Throws what the page's resolver would (a forged cursor).
   */
  customerPageColumn(page: PageRequest, statuses: CaseStatus[] | null, params: unknown[]): string {
    const { where, order, limit } = this.pageConditions(page, statuses, params);
    return `(SELECT coalesce(json_agg(to_jsonb(sc) || jsonb_build_object('position_at', ${POSITION_AT}) ORDER BY ${order}), '[]') FROM (
       SELECT sc.* FROM support_case sc WHERE ${where} ORDER BY ${order} LIMIT ${limit}) sc)`;
  }

  /** The page customerPageColumn read. */
  pageFromColumn(value: unknown, page: PageRequest): CaseConnection {
    return this.connectionOf(value as CasePageRow[], page);
  }

  private connectionOf(rows: CasePageRow[], page: PageRequest): CaseConnection {
    return connectionFrom(rows, page, (row) => encodeCursor(CASE_CURSOR, row.position_at, row.id), this.toCase);
  }

  /** The WHERE, ORDER BY and LIMIT of a page of `support_case sc` of the customer `c`, its values appended to `params`. */
  private pageConditions(page: PageRequest, statuses: CaseStatus[] | null, params: unknown[]): { where: string; order: string; limit: string } {
    const conditions = ['sc.customer_id = c.id'];
    if (statuses?.length) {
      // Status as read: a resolved case past its window reads as CLOSED.
      params.push(statuses, this.reopenWindowMs);
      conditions.push(
        `(CASE WHEN sc.status = 'RESOLVED' AND sc.resolved_at + make_interval(secs => $${params.length}::bigint / 1000.0) <= now() THEN 'CLOSED' ELSE sc.status END) = ANY($${params.length - 1}::text[])`,
      );
    }
    const backward = page.direction === 'backward';
    if (page.cursor) {
      const fields = decodeCursor(page.cursor, CASE_CURSOR, [INSTANT, UUID]);
      if (!fields) throw badUserInput('The cursor is not a case cursor issued by this server.', { argument: backward ? 'before' : 'after' });
      params.push(fields[0], fields[1]);
      conditions.push(`(sc.opened_at, sc.id) ${backward ? '>' : '<'} ($${params.length - 1}::timestamptz, $${params.length}::uuid)`);
    }
    params.push(page.size + 1);
    return { where: conditions.join(' AND '), order: backward ? 'sc.opened_at ASC, sc.id ASC' : 'sc.opened_at DESC, sc.id DESC', limit: `$${params.length}` };
  }

  /** Cases' histories, oldest first. */
  async historyPages(requests: readonly CaseHistoryPageRequest[]) {
    return pagesInGroups(requests, (r) => [r.page], async (group) => {
      const { page } = group[0];
      if (page.direction === 'backward') throw badUserInput('A case history pages forwards only; use `first` and `after`.', { argument: 'last' });
      const params: unknown[] = [[...new Set(group.map((r) => r.caseKey))]];
      const conditions = ['h.case_id = c.id'];
      if (page.cursor) {
        const fields = decodeCursor(page.cursor, HISTORY_CURSOR, [/^[1-9]\d{0,18}$/]);
        if (!fields) throw badUserInput('`after` is not a case history cursor issued by this server.', { argument: 'after' });
        params.push(fields[0]);
        conditions.push(`h.id > $${params.length}::bigint`);
      }
      params.push(page.size + 1);
      const rows = await this.db.query<CaseHistoryRow>(
        `SELECT page.* FROM unnest($1::uuid[]) AS c(id) CROSS JOIN LATERAL (
           SELECT h.id::text AS id, h.case_id, h.at, h.recorded_at, h.change, h.status, h.value, h.event_id::text AS event_id, h.rule, h.actor, sc.customer_id
           FROM case_history h JOIN support_case sc ON sc.id = h.case_id
           WHERE ${conditions.join(' AND ')} ORDER BY h.id LIMIT $${params.length}) page`,
        params,
      );
      return group.map((request) =>
        connectionFrom(
          rows.filter((row) => row.case_id === request.caseKey),
          page,
          (row) => encodeCursor(HISTORY_CURSOR, row.id),
          (row) => row,
        ),
      );
    });
  }

  async open(input: OpenCaseInput, actor: string): Promise<Case> {
    const customerKey = keyOf(input.customerId, 'Customer');
    const errors: UserError[] = [];
    if (!customerKey) errors.push(UserError.of(UserErrorCode.INVALID, 'Not a customer id.', ['input', 'customerId']));
    checkSubject(input.subject, ['input', 'subject'], errors);
    checkAgent(input.agentId, errors);
    const eventKeys = checkEvents(input.eventIds ?? [], ['input', 'eventIds'], errors);
    if (errors.length || !customerKey) throw new UserInputProblem(errors);
    return this.db.transaction(async (sql) => {
      const customer = await lockLiveCustomer(sql, customerKey, 'events');
      if (!customer) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No customer has this id.', ['input', 'customerId']);
      await lockCustomersCases(sql, [customer.id]);
      const events = await this.ownEvents(sql, customer.id, eventKeys, ['input', 'eventIds']);
      const key = randomUUID();
      const now = new Date();
      const openedAt = events.length ? new Date(Math.min(...events.map((e) => e.occurred_at.getTime()), now.getTime())) : now;
      await sql.query(
        `INSERT INTO support_case (id, customer_id, subject, status, agent_id, opened_at, last_activity_at) VALUES ($1, $2, $3, 'OPEN', $4, $5, $5)`,
        [key, customer.id, input.subject.trim(), input.agentId ?? null, openedAt],
      );
      const changes: CaseChange[] = [{ caseKey: key, at: openedAt, change: CaseChangeKind.OPENED, status: CaseStatus.OPEN, value: input.subject.trim(), actor }];
      if (input.agentId) changes.push({ caseKey: key, at: openedAt, change: CaseChangeKind.AGENT, value: input.agentId, actor });
      const touched = await this.moveInto(sql, key, events, CaseRule.OPENED_WITH, actor, now, changes);
      return this.finish(sql, key, touched, changes);
    });
  }

  async update(input: UpdateCaseInput, actor: string): Promise<Case> {
    const caseKey = keyOf(input.caseId, 'Case');
    const errors: UserError[] = [];
    if (!caseKey) errors.push(UserError.of(UserErrorCode.INVALID, 'Not a case id.', ['input', 'caseId']));
    if (input.subject !== undefined) checkSubject(input.subject, ['input', 'subject'], errors);
    if (input.agentId !== undefined) checkAgent(input.agentId, errors);
    if (errors.length || !caseKey) throw new UserInputProblem(errors);
    return this.db.transaction(async (sql) => {
      const row = await this.lockCase(sql, caseKey, ['input', 'caseId']);
      if (input.expectedVersion != null && input.expectedVersion !== row.version) {
        throw UserInputProblem.one(UserErrorCode.CONFLICT, `The case is at version ${row.version}, not ${input.expectedVersion}; read it again and retry.`, ['input', 'expectedVersion']);
      }
      const now = new Date();
      const current = effectiveStatus(row.status, row.resolved_at ? new Date(row.resolved_at) : null, this.reopenWindowMs, now.getTime());
      const changes: CaseChange[] = [];
      if (input.status != null && input.status !== current) changes.push({ caseKey, at: now, change: CaseChangeKind.STATUS, status: input.status, actor });
      if (input.subject != null && input.subject.trim() !== row.subject) changes.push({ caseKey, at: now, change: CaseChangeKind.SUBJECT, value: input.subject.trim(), actor });
      if (input.agentId !== undefined && (input.agentId ?? null) !== row.agent_id) changes.push({ caseKey, at: now, change: CaseChangeKind.AGENT, value: input.agentId ?? null, actor });
      if (changes.length === 0) return this.toCase(row);
      return this.finish(sql, caseKey, [], changes);
    });
  }

  async moveEvents(input: MoveEventsToCaseInput, actor: string): Promise<Case> {
    const caseKey = keyOf(input.caseId, 'Case');
    const errors: UserError[] = [];
    if (!caseKey) errors.push(UserError.of(UserErrorCode.INVALID, 'Not a case id.', ['input', 'caseId']));
    if (input.eventIds.length === 0) errors.push(UserError.of(UserErrorCode.REQUIRED, 'Name at least one event.', ['input', 'eventIds']));
    const eventKeys = checkEvents(input.eventIds, ['input', 'eventIds'], errors);
    if (errors.length || !caseKey) throw new UserInputProblem(errors);
    return this.db.transaction(async (sql) => {
      const row = await this.lockCase(sql, caseKey, ['input', 'caseId']);
      const events = await this.ownEvents(sql, row.customer_id, eventKeys, ['input', 'eventIds']);
      const changes: CaseChange[] = [];
      const touched = await this.moveInto(sql, caseKey, events.filter((e) => e.case_id !== caseKey), CaseRule.MOVED, actor, new Date(), changes);
      if (changes.length === 0) return this.toCase(row);
      return this.finish(sql, caseKey, touched, changes);
    });
  }

  /** The case locked for this transaction (and its customer's cases, as the rules lock them). */
  private async lockCase(sql: Sql, caseKey: string, field: string[]): Promise<CaseRow> {
    const [found] = await sql.query<{ customer_id: string }>(`SELECT customer_id FROM support_case WHERE id = $1`, [caseKey]);
    if (!found) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No case has this id.', field);
    const customer = await lockLiveCustomer(sql, found.customer_id, 'events');
    if (!customer) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, "This case's customer was erased; it takes no more changes.", field);
    await lockCustomersCases(sql, [customer.id]);
    const [row] = await sql.query<CaseRow>(`SELECT ${CASE_COLUMNS} FROM support_case sc WHERE sc.id = $1 FOR UPDATE`, [caseKey]);
    return row;
  }

  /** The named events, which must be the customer's (another customer's answers as no event at all). */
  private async ownEvents(sql: Sql, customerKey: string, keys: string[], field: string[]) {
    if (keys.length === 0) return [];
    const rows = await sql.query<{ id: string; case_id: string | null; occurred_at: Date }>(
      `SELECT e.id::text AS id, e.case_id, e.occurred_at FROM timeline_event e WHERE e.id = ANY($1::bigint[]) AND e.customer_id = $2 FOR UPDATE`,
      [keys, customerKey],
    );
    const found = new Set(rows.map((r) => r.id));
    const missing = keys.map((key, i) => [key, i] as const).filter(([key]) => !found.has(key));
    if (missing.length) throw new UserInputProblem(missing.map(([, i]) => UserError.of(UserErrorCode.NOT_FOUND, "This customer has no timeline event with this id.", [...field, i])));
    return rows;
  }

  private async moveInto(sql: Sql, caseKey: string, events: { id: string; case_id: string | null }[], rule: CaseRule, actor: string, at: Date, changes: CaseChange[]): Promise<string[]> {
    if (events.length === 0) return [];
    for (const event of events) {
      if (event.case_id) changes.push({ caseKey: event.case_id, at, change: CaseChangeKind.EVENT_REMOVED, eventKey: event.id, actor });
      changes.push({ caseKey, at, change: CaseChangeKind.EVENT_ADDED, eventKey: event.id, rule, actor });
    }
    await sql.query(`UPDATE timeline_event SET case_id = $1, case_rule = $2 WHERE id = ANY($3::bigint[])`, [caseKey, rule, events.map((e) => e.id)]);
    return events.flatMap((e) => (e.case_id ? [e.case_id] : []));
  }

  private async finish(sql: Sql, caseKey: string, others: string[], changes: CaseChange[]): Promise<Case> {
    await appendCaseHistory(sql, changes);
    await recomputeCases(sql, [caseKey, ...others]);
    const [row] = await sql.query<CaseRow>(`SELECT ${CASE_COLUMNS} FROM support_case sc WHERE sc.id = $1`, [caseKey]);
    return this.toCase(row);
  }
}

function checkSubject(subject: string | null | undefined, field: string[], errors: UserError[]): void {
  const trimmed = subject?.trim() ?? '';
  if (trimmed.length === 0 || trimmed.length > 200 || !isStorableText(trimmed)) errors.push(UserError.of(UserErrorCode.INVALID, 'A subject is 1 to 200 characters of storable text.', field));
}

function checkAgent(agentId: string | null | undefined, errors: UserError[]): void {
  if (agentId != null && (agentId.trim() === '' || agentId.length > 200 || !isStorableText(agentId))) {
    errors.push(UserError.of(UserErrorCode.INVALID, 'An agentId is 1 to 200 characters of storable text.', ['input', 'agentId']));
  }
}

function checkEvents(ids: string[], field: string[], errors: UserError[]): string[] {
  if (ids.length > MAX_EVENTS_PER_CHANGE) {
    errors.push(UserError.of(UserErrorCode.OUT_OF_RANGE, `At most ${MAX_EVENTS_PER_CHANGE} events at a time.`, field));
    return [];
  }
  const keys: string[] = [];
  ids.forEach((id, i) => {
    const key = keyOf(id, 'TimelineEvent');
    if (key) keys.push(key);
    else errors.push(UserError.of(UserErrorCode.INVALID, 'Not a timeline event id.', [...field, i]));
  });
  return [...new Set(keys)];
}
