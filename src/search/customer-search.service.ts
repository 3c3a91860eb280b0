import type { Sql } from '../db/database';
import { badUserInput } from '../core/errors';
import { CUSTOMER_COLUMNS, Customer, type CustomerRow } from '../customers/customer.types';
import { normaliseEmail, normalisePhone } from '../customers/identifier-normalisation';
import { connectionFrom, type PageRequest } from '../relay/connection';
import { decodeCursor, encodeCursor } from '../relay/cursor';
import type { CustomerConnection } from './customer-search.types';

const MAX_QUERY_LENGTH = 200;
/** Fewer characters would page through customers by the letter. */
const MIN_QUERY_LENGTH = 3;
/** A domain or its end ("example.com", "@example.com", ".com"): everyone at it, never one person, so no e-mail matches it in part. */
const DOMAIN = /^@?[a-z0-9-]*(\.[a-z0-9-]+)+$/;
/**
 * Ranks: an identifier that is exactly what was typed 3; one that contains it 1 to 2 (closer
 * is higher); a name 0 to 1 by trigram similarity. What the agent typed from an identifier
 * says more about who they want than a similar name does.
 */
const EXACT_IDENTIFIER_SCORE = 3;
/** What an order number looks like: one word with a digit in it ("SO-100482", "#1001"); an order number typed exactly finds who placed it. */
const ORDER_NUMBER = /^(?=\S*\d)[\w#./-]+$/;
/** Shorter text has no trigram to look it up by, so it only matches identifiers exactly. */
const MIN_PARTIAL_LENGTH = 3;

/**
 * Finds customers from whatever an agent types: a name, roughly spelled (pg_trgm), any
 * identifier in any format (a phone typed as "415 555 0100" finds +14155550100), or part of one,
 * or an order number exactly (in any letter case).
 */
export class CustomerSearchService {
  constructor(
    private readonly db: Sql,
    private readonly region: string,
  ) {}

  async search(query: string, page: PageRequest): Promise<CustomerConnection> {
    const text = query.trim();
    if (text.length < MIN_QUERY_LENGTH) throw badUserInput(`\`query\` must be at least ${MIN_QUERY_LENGTH} characters.`, { argument: 'query' });
    if (text.length > MAX_QUERY_LENGTH) throw badUserInput(`\`query\` must be at most ${MAX_QUERY_LENGTH} characters.`, { argument: 'query' });
    if (page.direction === 'backward') throw badUserInput('Search results page forwards only; use `first` and `after`.', { argument: 'last' });
    const after = page.cursor ? decodeSearchCursor(page.cursor) : null;

    const exact = this.exactCandidates(text);
    const lower = text.replace(/^@/, '').toLowerCase();
    // A whole e-mail address or phone number is looked up exactly: a fuzzy pass would only add
    // every address at the same domain, and no name contains one.
    const partial = !exact.identifierShaped && lower.length >= MIN_PARTIAL_LENGTH ? `%${escapeLike(lower)}%` : null;
    // Part of an e-mail address must hold part of who it is, not only where: typed with an @,
    // it needs something before it ("okafor@exam"); without one it is matched in the local part.
    // A domain ("example.com", "@example.com") matches nobody's address.
    const withLocalPart = /^[^@]+@/.test(lower);
    const inLocalPart = partial !== null && !lower.includes('@') && !DOMAIN.test(text.toLowerCase());
    const rows = await this.db.query<CustomerRow & { score: number }>(
      `WITH matches AS (
         SELECT i.customer_id AS id, CASE WHEN i.value = ANY($2::text[]) THEN ${EXACT_IDENTIFIER_SCORE} ELSE 1 + similarity(i.value, $3) END::float8 AS score
         FROM customer_identifier i
         WHERE i.value = ANY($2::text[])
            OR (i.value ILIKE $7 AND (i.kind <> 'EMAIL' OR $10 OR ($9 AND split_part(i.value, '@', 1) ILIKE $7)))
         UNION ALL
         SELECT e.customer_id, ${EXACT_IDENTIFIER_SCORE}::float8
         FROM timeline_event e
         WHERE e.kind = 'PURCHASE' AND upper(e.details->>'orderNumber') = upper($1) AND $11
         UNION ALL
         SELECT c.id, greatest(similarity(c.display_name, $1), word_similarity($1, c.display_name))::float8
         FROM customer c
         WHERE c.merged_into IS NULL AND c.erased_at IS NULL AND $8 AND $1 <% c.display_name
       ),
       ranked AS (
         SELECT id, max(score) AS score FROM matches GROUP BY id
         HAVING $4::float8 IS NULL OR (max(score), id) < ($4::float8, $5::uuid)
         ORDER BY max(score) DESC, id DESC
         LIMIT $6
       )
       SELECT r.score, ${CUSTOMER_COLUMNS}
       FROM ranked r JOIN customer c ON c.id = r.id
       ORDER BY r.score DESC, c.id DESC`,
      [text, exact.values, lower, after?.score ?? null, after?.id ?? null, page.size + 1, partial, !exact.identifierShaped, inLocalPart, withLocalPart, ORDER_NUMBER.test(text)],
    );
    return connectionFrom(rows, page, (row) => encodeCursor(SEARCH_CURSOR, String(row.score), row.id), (row) => Customer.fromRow(row));
  }

  /** Every normalised form the typed text could be an identifier in, and whether it is a whole e-mail address or phone number. */
  private exactCandidates(text: string): { values: string[]; identifierShaped: boolean } {
    const candidates = new Set([text, text.replace(/^@/, '').toLowerCase()]);
    const email = normaliseEmail(text);
    if (email.ok) candidates.add(email.value);
    const phone = normalisePhone(text, this.region);
    if (phone.ok) candidates.add(phone.value);
    return { values: [...candidates], identifierShaped: email.ok || phone.ok };
  }
}

/** LIKE's wildcards and escape character, taken literally. */
function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const SEARCH_CURSOR = 'cs1';
const SCORE = /^-?\d+(\.\d+)?(e-?\d+)?$/;
const CUSTOMER_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function decodeSearchCursor(cursor: string): { score: number; id: string } {
  const fields = decodeCursor(cursor, SEARCH_CURSOR, [SCORE, CUSTOMER_KEY]);
  if (!fields) throw badUserInput('`after` is not a search cursor issued by this server.', { argument: 'after' });
  return { score: Number(fields[0]), id: fields[1] };
}
