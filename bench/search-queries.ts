import { headersFor, type RunningServer } from './bench-server';
import type { Client } from 'pg';
import type { Config } from '../src/core/config';
import { toGlobalId } from '../src/relay/global-id';
import { pageRequest } from '../src/relay/connection';
import { CustomerSearchService } from '../src/search/customer-search.service';

export const SEARCH_PAGE_SIZE = 20;
/** Distinct queries per type, taken in turn, so no type is timed on one lucky (or unlucky) string. */
export const QUERIES_PER_TYPE = 10;

/** A stored customer a query is built from, and the one that query should find. */
export interface Target {
  key: string;
  displayName: string;
  givenName: string | null;
  familyName: string | null;
  identifiers: { kind: string; namespace: string; value: string }[];
}

export interface QueryType {
  name: string;
  /** Whether the customer the query was built from should be on the first page; false when many customers share the text. */
  findsTarget: boolean;
  /** The text an agent would type to find `target`, or null when the target has nothing to build it from. */
  make(target: Target): string | null;
}

/** What agents type, from exact identifiers to a name with a typo. */
export const QUERY_TYPES: readonly QueryType[] = [
  { name: 'full name', findsTarget: true, make: (t) => t.displayName },
  { name: 'misspelled name', findsTarget: true, make: (t) => misspelled(t) },
  { name: 'first name only', findsTarget: false, make: (t) => t.givenName },
  { name: 'surname only', findsTarget: false, make: (t) => t.familyName },
  { name: 'e-mail, exact (mixed case)', findsTarget: true, make: (t) => mixedCase(identifier(t, (i) => i.kind === 'EMAIL')) },
  { name: 'phone, national with spaces', findsTarget: true, make: (t) => nationalNanp(identifier(t, (i) => i.kind === 'PHONE' && i.value.startsWith('+1'))) },
  { name: '@handle', findsTarget: true, make: (t) => at(identifier(t, (i) => i.kind === 'SOCIAL' && !i.value.startsWith('+'))) },
  { name: 'external id', findsTarget: true, make: (t) => identifier(t, (i) => i.kind === 'EXTERNAL_ID') },
  { name: 'partial e-mail', findsTarget: true, make: (t) => partialEmail(identifier(t, (i) => i.kind === 'EMAIL')) },
];

export interface PlannedQuery {
  text: string;
  targetId: string;
}

/** Live customers in a fixed pseudo-random order (by md5 of the id, so the same data gives the same sample), with their identifiers. */
export async function sampleTargets(client: Client, count: number): Promise<Target[]> {
  const { rows } = await client.query<{ id: string; display_name: string; given_name: string | null; family_name: string | null; identifiers: Target['identifiers'] }>(
    `WITH sample AS (
       SELECT id, display_name, given_name, family_name FROM customer WHERE merged_into IS NULL ORDER BY md5(id::text) LIMIT $1
     )
     SELECT s.id, s.display_name, s.given_name, s.family_name,
            coalesce(json_agg(json_build_object('kind', i.kind, 'namespace', i.namespace, 'value', i.value) ORDER BY i.id) FILTER (WHERE i.id IS NOT NULL), '[]') AS identifiers
     FROM sample s LEFT JOIN customer_identifier i ON i.customer_id = s.id
     GROUP BY s.id, s.display_name, s.given_name, s.family_name
     ORDER BY md5(s.id::text)`,
    [count],
  );
  return rows.map((row) => ({ key: row.id, displayName: row.display_name, givenName: row.given_name, familyName: row.family_name, identifiers: row.identifiers }));
}

/** Up to QUERIES_PER_TYPE distinct queries of the type, from the first targets that can give one. */
export function planQueries(type: QueryType, targets: readonly Target[]): PlannedQuery[] {
  const planned = new Map<string, PlannedQuery>();
  for (const target of targets) {
    const text = type.make(target);
    if (text && !planned.has(text)) planned.set(text, { text, targetId: toGlobalId('Customer', target.key) });
    if (planned.size === QUERIES_PER_TYPE) break;
  }
  if (planned.size === 0) throw new Error(`no customer in the sample gives a "${type.name}" query`);
  return [...planned.values()];
}

export interface SearchHit {
  id: string;
  displayName: string;
}

const SEARCH = `query Search($query: String!, $first: Int) {
  searchCustomers(query: $query, first: $first) { edges { node { id displayName } } }
}`;

/** Asks the running server to search over HTTP, as an agent console would. */
export class SearchClient {
  constructor(private readonly server: RunningServer) {}

  /** The first page of results; throws on any GraphQL error. */
  async search(query: string): Promise<SearchHit[]> {
    const response = await fetch(this.server.url, {
      method: 'POST',
      headers: headersFor(this.server),
      body: JSON.stringify({ query: SEARCH, variables: { query, first: SEARCH_PAGE_SIZE } }),
    });
    const body = (await response.json()) as { data?: { searchCustomers: { edges: { node: SearchHit }[] } }; errors?: unknown[] };
    if (!response.ok || body.errors?.length || !body.data) {
      throw new Error(`searchCustomers(${JSON.stringify(query)}) failed with HTTP ${response.status}: ${JSON.stringify(body.errors ?? body)}`);
    }
    return body.data.searchCustomers.edges.map((edge) => edge.node);
  }
}

/**
 * The statement the server runs for a search. The service builds it privately, so a stand-in
 * data source records it instead of running it; the plan then belongs to the real SQL.
 */
export async function serverSearchStatement(query: string, config: Config): Promise<{ text: string; values: unknown[] }> {
  const recorded: { text: string; values: unknown[] }[] = [];
  const recorder = {
    async query(text: string, values: unknown[]) {
      recorded.push({ text, values });
      return [];
    },
  };
  await new CustomerSearchService(recorder, config.DEFAULT_PHONE_REGION).search(query, pageRequest({ first: SEARCH_PAGE_SIZE, after: null }));
  if (recorded.length !== 1) throw new Error(`expected the search service to run one statement, it ran ${recorded.length}`);
  return recorded[0];
}

function identifier(target: Target, matches: (i: Target['identifiers'][number]) => boolean): string | null {
  return target.identifiers.find(matches)?.value ?? null;
}

/** "Maya Okafor" -> "maya okafr": lower case, the surname's last vowel dropped (surnames of 5+ letters only). */
function misspelled(target: Target): string | null {
  const { givenName, familyName } = target;
  if (!givenName || !familyName || familyName.length < 5 || /\s/.test(familyName)) return null;
  const vowel = Math.max(...[...'aeiouy'].map((v) => familyName.toLowerCase().lastIndexOf(v)));
  if (vowel < 1) return null;
  return `${givenName} ${familyName.slice(0, vowel)}${familyName.slice(vowel + 1)}`.toLowerCase();
}

/** "maya.okafor@example.com" -> "Maya.Okafor@Example.Com", as people type their own address. */
function mixedCase(email: string | null): string | null {
  return email && email.replace(/(^|[^a-z])([a-z])/g, (_, before: string, letter: string) => before + letter.toUpperCase());
}

/** "+14155550142" -> "415 555 0142", read in the server's default region (US). */
function nationalNanp(phone: string | null): string | null {
  const national = phone?.match(/^\+1(\d{3})(\d{3})(\d{4})$/);
  return national ? `${national[1]} ${national[2]} ${national[3]}` : null;
}

function at(handle: string | null): string | null {
  return handle && `@${handle}`;
}

/** "maya.okafor@example.com" -> "maya.okaf": the first three quarters of the local part, as far as an agent got. */
function partialEmail(email: string | null): string | null {
  if (!email) return null;
  const local = email.slice(0, email.indexOf('@'));
  return local.length < 6 ? null : local.slice(0, Math.ceil(local.length * 0.75));
}
