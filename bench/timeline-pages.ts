import { headersFor, type RunningServer } from './bench-server';
import type { Client } from 'pg';
import { toGlobalId } from '../src/relay/global-id';
import { decodeTimelineCursor } from '../src/timeline/cursor';
import { EVENT_COLUMNS } from '../src/timeline/timeline.service';

export const PAGE_SIZE = 50;

/** Every field of every event kind, as an agent console asks for them (as in test/support/fragments.ts). */
const EVENT_FIELDS = `
  __typename id kind channel occurredAt receivedAt direction summary source externalId agentId
  ... on CallEvent { fromNumber toNumber outcome waitSeconds durationSeconds recordingUrl transcript }
  ... on EmailEvent { fromAddress toAddresses subject bodyText threadId messageId }
  ... on SocialMessageEvent { platform handle threadId text }
  ... on PurchaseEvent { orderNumber status total { amount currency } items { sku name quantity unitPrice { amount currency } } }
  ... on SurveyResponseEvent { survey score scaleMax comment aboutEventId }
`;

const TIMELINE_PAGE = `query TimelinePage($id: ID!, $first: Int!, $after: String) {
  customer(id: $id) {
    timeline(first: $first, after: $after) {
      edges { cursor node { ${EVENT_FIELDS} } }
      pageInfo { endCursor hasNextPage }
    }
  }
}`;

export interface TimelinePage {
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** Asks the running server for pages of one customer's timeline over HTTP, as a client would. */
export class TimelineClient {
  private readonly customerId: string;

  constructor(
    private readonly server: RunningServer,
    customerKey: string,
  ) {
    this.customerId = toGlobalId('Customer', customerKey);
  }

  /** The page after `after` (the first page when null); throws on any GraphQL error. */
  async page(after: string | null): Promise<TimelinePage> {
    const response = await fetch(this.server.url, {
      method: 'POST',
      headers: headersFor(this.server),
      body: JSON.stringify({ query: TIMELINE_PAGE, variables: { id: this.customerId, first: PAGE_SIZE, after } }),
    });
    const body = (await response.json()) as { data?: { customer: { timeline: TimelinePage } | null }; errors?: unknown[] };
    if (!response.ok || body.errors?.length || !body.data?.customer) {
      throw new Error(`timeline page failed with HTTP ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
    }
    return body.data.customer.timeline;
  }

  /** The `after` cursor that asks for page `pageNumber` (1-based), found by paging there once. */
  async cursorBefore(pageNumber: number): Promise<string | null> {
    let after: string | null = null;
    for (let page = 1; page < pageNumber; page++) {
      const { pageInfo }: TimelinePage = await this.page(after);
      if (!pageInfo.hasNextPage) throw new Error(`the timeline ends before page ${pageNumber}`);
      after = pageInfo.endCursor;
    }
    return after;
  }
}

/**
 * The floor: the same rows in one statement over one open connection, with no GraphQL, pool or
 * HTTP in between. Same keyset shape as the server's, minus the LATERAL over customer ids.
 */
export function floorStatement(customerKey: string, after: string | null): { text: string; values: unknown[] } {
  const position = after === null ? null : decodeTimelineCursor(after, 'after');
  const keyset = position === null ? '' : 'AND (e.occurred_at, e.id) < ($2::timestamptz, $3::bigint)';
  return {
    text: `SELECT ${EVENT_COLUMNS} FROM timeline_event e
           WHERE e.customer_id = $1 ${keyset}
           ORDER BY e.occurred_at DESC, e.id DESC
           LIMIT ${PAGE_SIZE}`,
    values: position === null ? [customerKey] : [customerKey, position.occurredAt, position.id],
  };
}

export async function floorPage(client: Client, customerKey: string, after: string | null): Promise<{ id: string }[]> {
  const { rows } = await client.query<{ id: string }>(floorStatement(customerKey, after));
  return rows;
}

/** Throws unless the floor query read exactly the events the GraphQL page shows, so both measure the same work. */
export function assertSameEvents(label: string, page: TimelinePage, floorRows: { id: string }[]): void {
  const fromServer = page.edges.map((edge) => edge.node.id);
  const fromFloor = floorRows.map((row) => toGlobalId('TimelineEvent', row.id));
  if (fromServer.length !== PAGE_SIZE || fromServer.join() !== fromFloor.join()) {
    throw new Error(`${label}: the floor query and the GraphQL page disagree on the events of the page`);
  }
}
