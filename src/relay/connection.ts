import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { badUserInput } from '../core/errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType({ description: 'Where a page sits in its connection (Relay cursor connections).' })
export class PageInfo {
  @Field({ description: 'True when more items follow the last edge (newer-to-older order for timelines).' })
  hasNextPage!: boolean;

  @Field({ description: 'True when items precede the first edge.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge, null on an empty page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge, null on an empty page.' })
  endCursor!: string | null;
}

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `Page forwards: at most this many items after \`after\` (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor to page forwards from (exclusive).' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `Page backwards: at most this many items before \`before\` (at most ${MAX_PAGE_SIZE}).` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Cursor to page backwards from (exclusive).' })
  before?: string | null;
}

export interface PageRequest {
  direction: 'forward' | 'backward';
  size: number;
  cursor: string | null;
}

/** Checks the Relay arguments and says which way to page; never clamps a size silently. */
export function pageRequest(args: ConnectionArgs): PageRequest {
  const { first, after, last, before } = args;
  for (const [name, value] of [['first', first], ['last', last]] as const) {
    if (value != null && (value < 0 || value > MAX_PAGE_SIZE)) {
      throw badUserInput(`\`${name}\` must be between 0 and ${MAX_PAGE_SIZE}, got ${value}.`, { argument: name });
    }
  }
  if (first != null && last != null) throw badUserInput('Give `first` or `last`, not both.');
  if (after != null && before != null) throw badUserInput('Give `after` or `before`, not both.');
  if (last != null || before != null) {
    if (first != null || after != null) throw badUserInput('`last`/`before` page backwards and cannot be mixed with `first`/`after`.');
    return { direction: 'backward', size: last ?? DEFAULT_PAGE_SIZE, cursor: before ?? null };
  }
  return { direction: 'forward', size: first ?? DEFAULT_PAGE_SIZE, cursor: after ?? null };
}

/**
 * A page from rows fetched with one row more than asked for: the extra row only says whether
 * more exist. Backward pages are fetched in reverse order and turned around here. A cursor we
 * were given names an item on the other side of the page, so Relay lets us report that side
 * from the cursor alone instead of paying for another query.
 */
export function connectionFrom<Row, Node>(
  rows: Row[],
  page: PageRequest,
  cursorOf: (row: Row) => string,
  nodeOf: (row: Row) => Node,
): { edges: { cursor: string; node: Node }[]; pageInfo: PageInfo } {
  const hasMore = rows.length > page.size;
  const kept = rows.slice(0, page.size);
  if (page.direction === 'backward') kept.reverse();
  const edges = kept.map((row) => ({ cursor: cursorOf(row), node: nodeOf(row) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: page.direction === 'forward' ? hasMore : page.cursor != null,
      hasPreviousPage: page.direction === 'backward' ? hasMore : page.cursor != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
