import type { Sql } from '../db/database';
import { connectionFrom, type PageRequest } from '../relay/connection';
import { pagesInGroups } from '../relay/grouped-pages';
import { decodeTimelineCursor } from './cursor';
import { toPositionedEvent, toTimelineEvent, type PositionedEvent, type TimelineConnection, type TimelineEvent, type TimelineEventRow } from './timeline-event.types';
import { timelineFilterConditions, type TimelineFilter } from './timeline-filter';

/** One customer's page request (or one case's: its events), as the timeline loader batches them. */
export interface TimelinePageRequest {
  customerKey: string;
  page: PageRequest;
  filter: TimelineFilter | null;
  /** Page the events of this case instead of the customer's whole timeline. */
  caseKey?: string;
}

/** An event's fields as a row (name, SQL) and, where it differs, as JSON: bigints as text, as pg reads them. */
const EVENT_FIELDS: [name: string, sql: string, json?: string][] = [
  ['id', 'e.id', 'e.id::text'],
  ['customer_id', 'e.customer_id'],
  ['kind', 'e.kind'],
  ['channel', 'e.channel'],
  ['occurred_at', 'e.occurred_at'],
  ['received_at', 'e.received_at'],
  ['direction', 'e.direction'],
  ['summary', 'e.summary'],
  ['source', 'e.source'],
  ['external_id', 'e.external_id'],
  ['agent_id', 'e.agent_id'],
  ['details', 'e.details'],
  ['case_id', 'e.case_id'],
  ['case_rule', 'e.case_rule'],
  ['case_row', '(SELECT to_jsonb(sc) FROM support_case sc WHERE sc.id = e.case_id)'],
  ['position_at', `to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`],
];

/** An event's columns as a select list, its case read ahead as JSON or left null. */
const eventColumns = (withCase: boolean) =>
  EVENT_FIELDS.map(([name, sql]) => (name === 'case_row' && !withCase ? `NULL::jsonb AS ${name}` : sql === `e.${name}` ? sql : `${sql} AS ${name}`)).join(', ');

export const EVENT_COLUMNS = eventColumns(true);

/**
 * EVENT_COLUMNS without the event's case (case_row is null, and the case's resolver reads it): for
 * events just recorded, whose case is written after them, and deliveries nobody asked the case of.
 * Reading it costs a lookup and a JSON copy of the case per event, about 17 ms per 1,000.
 */
export const EVENT_COLUMNS_WITHOUT_CASE = eventColumns(false);

/** One event `e` as a JSON object with the fields of EVENT_COLUMNS; eventRowFromJson reads it back. */
const EVENT_JSON = `json_build_object(${EVENT_FIELDS.map(([name, sql, json]) => `'${name}', ${json ?? sql}`).join(', ')})`;

/** An event as EVENT_JSON wrote it, as the row EVENT_COLUMNS would have read. */
function eventRowFromJson(json: Omit<TimelineEventRow, 'occurred_at' | 'received_at'> & { occurred_at: string; received_at: string }): TimelineEventRow {
  return { ...json, occurred_at: new Date(json.occurred_at), received_at: new Date(json.received_at) };
}

export class TimelineService {
  constructor(private readonly db: Sql) {}

  /**
   * Pages of many customers' timelines. Requests with the same page arguments and filter share one
   * statement (a LATERAL join over the customers), so a list of customers costs one query per
   * distinct argument set, not one per customer.
   */
  async pages(requests: readonly TimelinePageRequest[]): Promise<TimelineConnection[]> {
    return pagesInGroups(requests, (request) => [request.page, request.filter, request.caseKey !== undefined], (group) => this.pageGroup(group));
  }

  /**
   * One customer's page (the customer `c` of the statement it is part of) as one JSON array, its
   * values appended to `params`: for reading the page in the customer's own statement. Throws
   * what the page's resolver would (a forged cursor, a filter that cannot match).
   */
  customerPageColumn(page: PageRequest, filter: TimelineFilter | null, params: unknown[]): string {
    const { where, order, limit } = pageConditions('e.customer_id = c.id', page, filter, params);
    return `(SELECT coalesce(json_agg(${EVENT_JSON} ORDER BY ${order}), '[]') FROM (
       SELECT e.* FROM timeline_event e WHERE ${where} ORDER BY ${order} LIMIT ${limit}) e)`;
  }

  /** The page customerPageColumn read. */
  pageFromColumn(value: unknown, page: PageRequest): TimelineConnection {
    if (page.size === 0) return emptyPage(page);
    return toConnection((value as Parameters<typeof eventRowFromJson>[0][]).map(eventRowFromJson), page);
  }

  private async pageGroup(group: TimelinePageRequest[]): Promise<TimelineConnection[]> {
    const { page, filter } = group[0];
    const byCase = group[0].caseKey !== undefined;
    const ownerOf = (request: TimelinePageRequest) => (byCase ? request.caseKey! : request.customerKey);
    const params: unknown[] = [[...new Set(group.map(ownerOf))]];
    const { where, order, limit } = pageConditions(byCase ? 'e.case_id = c.id' : 'e.customer_id = c.id', page, filter, params);
    if (page.size === 0) return group.map(() => emptyPage(page));
    const rows = await this.db.query<TimelineEventRow>(
      `SELECT page.* FROM unnest($1::uuid[]) AS c(id)
       CROSS JOIN LATERAL (SELECT ${EVENT_COLUMNS} FROM timeline_event e WHERE ${where} ORDER BY ${order} LIMIT ${limit}) page`,
      params,
    );

    const byOwner = new Map<string, TimelineEventRow[]>();
    for (const row of rows) {
      const owner = byCase ? row.case_id! : row.customer_id;
      const list = byOwner.get(owner);
      if (list) list.push(row);
      else byOwner.set(owner, [row]);
    }
    return group.map((request) => toConnection(byOwner.get(ownerOf(request)) ?? [], page));
  }

  /**
   * Committed events after a stream position, in stream order, optionally of one customer and
   * through a filter: what a resumed subscription replays and what a listener catches up on.
   */
  async eventsAfter(position: bigint, customerKey: string | null, filter: TimelineFilter | null, limit: number): Promise<PositionedEvent[]> {
    const params: unknown[] = [position.toString()];
    const conditions = ['s.position > $1'];
    if (customerKey) {
      params.push(customerKey);
      conditions.push(`s.customer_id = $${params.length}`);
    }
    conditions.push(...timelineFilterConditions(filter, params));
    params.push(limit);
    const rows = await this.db.query<TimelineEventRow & { stream_position: string }>(
      `SELECT ${EVENT_COLUMNS}, s.position::text AS stream_position FROM timeline_stream s JOIN timeline_event e ON e.id = s.event_id
       WHERE ${conditions.join(' AND ')} ORDER BY s.position LIMIT $${params.length}`,
      params,
    );
    return rows.map(toPositionedEvent);
  }

  /** The highest stream position of a stored event. */
  async newestStoredPosition(): Promise<bigint> {
    const [{ position }] = await this.db.query<{ position: string }>(`SELECT coalesce(max(position), 0)::text AS position FROM timeline_stream`);
    return BigInt(position);
  }

  /** The highest stream position handed out so far, committed or not: no cursor beyond it was issued. */
  async newestIssuedPosition(): Promise<bigint> {
    const [row] = await this.db.query<{ newest: string; is_called: boolean }>(`SELECT last_value::text AS newest, is_called FROM timeline_event_stream_position`);
    return row.is_called ? BigInt(row.newest) : BigInt(row.newest) - 1n;
  }

  /**
   * Events by key, in the order asked (null where none has the key); each with its case read ahead
   * unless `withCase` is false. Without their stream positions: the hub has them from the
   * notification, and `streamCursor` reads them when asked.
   */
  async eventsByKey(keys: readonly string[], { withCase }: { withCase: boolean } = { withCase: true }): Promise<(TimelineEvent | null)[]> {
    const rows = await this.db.query<TimelineEventRow>(`SELECT ${withCase ? EVENT_COLUMNS : EVENT_COLUMNS_WITHOUT_CASE} FROM timeline_event e WHERE e.id = ANY($1::bigint[])`, [keys]);
    const byKey = new Map(rows.map((row) => [row.id, toTimelineEvent(row)]));
    return keys.map((key) => byKey.get(key) ?? null);
  }

  /** Stream positions of events by key, in the order asked (null where none has one): for `streamCursor` of events read without it. */
  async streamPositions(keys: readonly string[]): Promise<(string | null)[]> {
    const rows = await this.db.query<{ id: string; position: string }>(
      `SELECT event_id::text AS id, position::text AS position FROM timeline_stream WHERE event_id = ANY($1::bigint[])`,
      [keys],
    );
    const byKey = new Map(rows.map((row) => [row.id, row.position]));
    return keys.map((key) => byKey.get(key) ?? null);
  }
}

/**
 * The WHERE, ORDER BY and LIMIT of a page of `timeline_event e` whose owner `ownerCondition`
 * names, its values appended to `params`. Throws BAD_USER_INPUT for a forged cursor or a filter
 * that cannot match.
 */
function pageConditions(ownerCondition: string, page: PageRequest, filter: TimelineFilter | null, params: unknown[]): { where: string; order: string; limit: string } {
  const backward = page.direction === 'backward';
  const conditions = [ownerCondition, ...timelineFilterConditions(filter, params)];
  if (page.cursor) {
    const position = decodeTimelineCursor(page.cursor, backward ? 'before' : 'after');
    params.push(position.occurredAt, position.id);
    conditions.push(`(e.occurred_at, e.id) ${backward ? '>' : '<'} ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
  }
  params.push(page.size + 1);
  return { where: conditions.join(' AND '), order: backward ? 'e.occurred_at ASC, e.id ASC' : 'e.occurred_at DESC, e.id DESC', limit: `$${params.length}` };
}

function emptyPage(page: PageRequest): TimelineConnection {
  return toConnection([], { ...page, size: 0 });
}

function toConnection(rows: TimelineEventRow[], page: PageRequest): TimelineConnection {
  return connectionFrom(rows.map(toTimelineEvent), page, (event) => event.cursor, (event) => event);
}
