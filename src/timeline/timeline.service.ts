import type { Sql } from '../db/database';
import { connectionFrom, type PageRequest } from '../relay/connection';
import { pagesInGroups } from '../relay/grouped-pages';
import { decodeTimelineCursor } from './cursor';
import { toTimelineEvent, type TimelineConnection, type TimelineEvent, type TimelineEventRow } from './timeline-event.types';
import { timelineFilterConditions, type TimelineFilter } from './timeline-filter';

/** One customer's page request (or one case's: its events), as the timeline loader batches them. */
export interface TimelinePageRequest {
  customerKey: string;
  page: PageRequest;
  filter: TimelineFilter | null;
  /** Page the events of this case instead of the customer's whole timeline. */
  caseKey?: string;
}

export const EVENT_COLUMNS = `e.id, e.customer_id, e.kind, e.channel, e.occurred_at, e.received_at, e.direction, e.summary,
  e.source, e.external_id, e.agent_id, e.details, e.stream_position, e.case_id, e.case_rule,
  (SELECT to_jsonb(sc) FROM support_case sc WHERE sc.id = e.case_id) AS case_row,
  to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS position_at`;

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

  private async pageGroup(group: TimelinePageRequest[]): Promise<TimelineConnection[]> {
    const { page, filter } = group[0];
    const byCase = group[0].caseKey !== undefined;
    const ownerOf = (request: TimelinePageRequest) => (byCase ? request.caseKey! : request.customerKey);
    const customerKeys = [...new Set(group.map(ownerOf))];
    const backward = page.direction === 'backward';
    const params: unknown[] = [customerKeys];
    const conditions: string[] = [byCase ? 'e.case_id = c.id' : 'e.customer_id = c.id'];

    conditions.push(...timelineFilterConditions(filter, params));
    if (page.cursor) {
      const position = decodeTimelineCursor(page.cursor, backward ? 'before' : 'after');
      params.push(position.occurredAt, position.id);
      const at = `$${params.length - 1}::timestamptz`;
      const id = `$${params.length}::bigint`;
      conditions.push(backward ? `(e.occurred_at, e.id) > (${at}, ${id})` : `(e.occurred_at, e.id) < (${at}, ${id})`);
    }
    if (page.size === 0) return group.map(() => emptyPage(page));

    params.push(page.size + 1);
    const order = backward ? 'e.occurred_at ASC, e.id ASC' : 'e.occurred_at DESC, e.id DESC';
    const rows = await this.db.query<TimelineEventRow>(
      `SELECT page.* FROM unnest($1::uuid[]) AS c(id)
       CROSS JOIN LATERAL (
         SELECT ${EVENT_COLUMNS} FROM timeline_event e
         WHERE ${conditions.join(' AND ')}
         ORDER BY ${order}
         LIMIT $${params.length}
       ) page`,
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
  async eventsAfter(position: bigint, customerKey: string | null, filter: TimelineFilter | null, limit: number): Promise<TimelineEvent[]> {
    const params: unknown[] = [position.toString()];
    const conditions = ['e.stream_position > $1'];
    if (customerKey) {
      params.push(customerKey);
      conditions.push(`e.customer_id = $${params.length}`);
    }
    conditions.push(...timelineFilterConditions(filter, params));
    params.push(limit);
    const rows = await this.db.query<TimelineEventRow>(
      `SELECT ${EVENT_COLUMNS} FROM timeline_event e WHERE ${conditions.join(' AND ')} ORDER BY e.stream_position LIMIT $${params.length}`,
      params,
    );
    return rows.map(toTimelineEvent);
  }

  /** The highest stream position of a stored event. */
  async newestStoredPosition(): Promise<bigint> {
    const [{ position }] = await this.db.query<{ position: string }>(`SELECT coalesce(max(stream_position), 0)::text AS position FROM timeline_event`);
    return BigInt(position);
  }

  /** The highest stream position handed out so far, committed or not: no cursor beyond it was issued. */
  async newestIssuedPosition(): Promise<bigint> {
    const [row] = await this.db.query<{ newest: string; is_called: boolean }>(`SELECT last_value::text AS newest, is_called FROM timeline_event_stream_position`);
    return row.is_called ? BigInt(row.newest) : BigInt(row.newest) - 1n;
  }

  async eventsByKey(keys: readonly string[]): Promise<(TimelineEvent | null)[]> {
    const rows = await this.db.query<TimelineEventRow>(`SELECT ${EVENT_COLUMNS} FROM timeline_event e WHERE e.id = ANY($1::bigint[])`, [keys]);
    const byKey = new Map(rows.map((row) => [row.id, toTimelineEvent(row)]));
    return keys.map((key) => byKey.get(key) ?? null);
  }
}

function emptyPage(page: PageRequest): TimelineConnection {
  return toConnection([], { ...page, size: 0 });
}

function toConnection(rows: TimelineEventRow[], page: PageRequest): TimelineConnection {
  return connectionFrom(rows.map(toTimelineEvent), page, (event) => event.cursor, (event) => event);
}
