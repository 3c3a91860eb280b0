import type { Channel } from '../core/enums';
import { badUserInput } from '../core/errors';
import type { Sql } from '../db/database';
import { connectionFrom, type PageRequest } from '../relay/connection';
import { decodeCursor, encodeCursor } from '../relay/cursor';
import { pagesInGroups } from '../relay/grouped-pages';
import { ConsentChange, type ConsentChangeConnection } from './preferences.types';

/** One customer's consent history page, as the history loader batches them. */
export interface ConsentHistoryRequest {
  customerKey: string;
  channel: Channel | null;
  page: PageRequest;
}

const CONSENT_CURSOR = 'cc1';

function decodeConsentCursor(cursor: string, argument: string): string {
  const fields = decodeCursor(cursor, CONSENT_CURSOR, [/^[1-9][0-9]{0,18}$/]);
  if (!fields) throw badUserInput(`\`${argument}\` is not a consent history cursor issued by this server.`, { argument });
  return fields[0];
}

interface ConsentChangeRow {
  id: string;
  customer_id: string;
  channel: Channel;
  granted: boolean;
  source: string | null;
  changed_at: Date;
}

/**
 * Customers' consent changes, newest first, keyset-paged by change id. Requests with the same
 * channel and page arguments share one statement (a LATERAL join over the customers), so a list of
 * customers costs one query per distinct argument set, not one per customer.
 */
export class ConsentHistory {
  constructor(private readonly db: Sql) {}

  pages(requests: readonly ConsentHistoryRequest[]): Promise<ConsentChangeConnection[]> {
    return pagesInGroups(requests, (request) => [request.channel, request.page], (group) => this.pageGroup(group));
  }

  private async pageGroup(group: ConsentHistoryRequest[]): Promise<ConsentChangeConnection[]> {
    const { channel, page } = group[0];
    const params: unknown[] = [[...new Set(group.map((r) => r.customerKey))]];
    const conditions = ['h.customer_id = c.id'];
    if (channel) {
      params.push(channel);
      conditions.push(`h.channel = $${params.length}`);
    }
    const backward = page.direction === 'backward';
    if (page.cursor) {
      params.push(decodeConsentCursor(page.cursor, backward ? 'before' : 'after'));
      conditions.push(`h.id ${backward ? '>' : '<'} $${params.length}`);
    }
    params.push(page.size + 1);
    const rows = await this.db.query<ConsentChangeRow>(
      `SELECT page.* FROM unnest($1::uuid[]) AS c(id)
       CROSS JOIN LATERAL (
         SELECT h.id, h.customer_id, h.channel, h.granted, h.source, h.changed_at FROM consent_change h
         WHERE ${conditions.join(' AND ')}
         ORDER BY h.id ${backward ? 'ASC' : 'DESC'} LIMIT $${params.length}
       ) page`,
      params,
    );
    const byCustomer = new Map<string, ConsentChangeRow[]>();
    for (const row of rows) {
      const list = byCustomer.get(row.customer_id);
      if (list) list.push(row);
      else byCustomer.set(row.customer_id, [row]);
    }
    return group.map((request) =>
      connectionFrom(
        byCustomer.get(request.customerKey) ?? [],
        page,
        (row) => encodeCursor(CONSENT_CURSOR, row.id),
        (row) => Object.assign(new ConsentChange(), { channel: row.channel, granted: row.granted, source: row.source, changedAt: row.changed_at }),
      ),
    );
  }
}
