import { announceCustomerChanges } from '../changefeed/publisher';
import { CustomerChangeKind } from '../changefeed/notifications';
import type { Sql } from '../db/database';
import { LostRace } from '../db/database-errors';
import { CUSTOMER_COLUMNS, type CustomerRow } from './customer.types';
import { IdentifierKind } from '../core/enums';
import type { NormalisedIdentifier } from './identifier-normalisation';

/** Identifiers compare by what they name, whatever their verified flag. */
export function identityKey(identifier: Pick<NormalisedIdentifier, 'kind' | 'namespace' | 'value'>): string {
  return `${identifier.kind}\u0000${identifier.namespace}\u0000${identifier.value}`;
}

export interface IdentifierOwner {
  /** The customer who owns the identifier now. */
  key: string;
  /** Whose it was before a merge moved it (so an unmerge can hand back what it names); null when never moved. */
  originKey: string | null;
}

/** Who owns each of these identifiers, keyed by identityKey; identifiers nobody owns are absent. */
export async function identifierOwners(sql: Sql, identifiers: readonly NormalisedIdentifier[]): Promise<Map<string, IdentifierOwner>> {
  if (identifiers.length === 0) return new Map();
  const rows = await sql.query<{ kind: IdentifierKind; namespace: string; value: string; customer_id: string; origin_customer_id: string | null }>(
    // One probe of the unique index per identifier, whatever the plan (recordings plan it once per connection).
    `SELECT i.* FROM unnest($1::text[], $2::text[], $3::text[]) AS wanted(kind, namespace, value)
     CROSS JOIN LATERAL (
       SELECT i.kind, i.namespace, i.value, i.customer_id, i.origin_customer_id FROM customer_identifier i
       WHERE i.kind = wanted.kind AND i.namespace = wanted.namespace AND i.value = wanted.value LIMIT 1) i`,
    [identifiers.map((i) => i.kind), identifiers.map((i) => i.namespace), identifiers.map((i) => i.value)],
  );
  return new Map(rows.map((row) => [identityKey(row), { key: row.customer_id, originKey: row.origin_customer_id }]));
}

/**
 * How a write holds the customers it writes to, until its transaction ends:
 * - `profile`: the customer row itself changes (FOR NO KEY UPDATE): profile writes to one
 *   customer take turns;
 * - `events`: rows that belong to the customer are added (FOR KEY SHARE): recorders of one
 *   customer do not wait for each other or for profile writes.
 * Both wait for a merge or unmerge (which lock FOR UPDATE) and keep one from starting.
 */
export type CustomerLock = 'profile' | 'events';

const LOCK_CLAUSE: Record<CustomerLock, string> = { profile: 'FOR NO KEY UPDATE', events: 'FOR KEY SHARE' };
/** Merges that commit between finding a customer's survivor and locking it make the lookup run again, this many times. */
const MAX_ATTEMPTS = 4;

type LockedRow = CustomerRow & { merged_into: string | null };

/**
 * Locks the live customer each key names (the survivor when the key was merged away), so that
 * what this transaction writes for it cannot land on a customer a concurrent merge has just
 * merged away. One statement finds the survivors and locks every row involved, the keys
 * themselves, their survivors and `alsoLock` (e.g. the customers rows will name as their
 * origin), in id order, the order merges and unmerges lock in too, so they wait for each other
 * instead of deadlocking. A lock waits for a merge in progress, after which PostgreSQL hands back
 * the row as the merge left it: if that names a survivor not locked yet, the lookup runs again.
 * Answers the live row per key (null for an unknown key, and for an erased customer).
 */
export async function lockLiveCustomers(
  sql: Sql,
  keys: readonly string[],
  lock: CustomerLock,
  alsoLock: readonly string[] = [],
): Promise<Map<string, CustomerRow | null>> {
  const requested = [...new Set(keys)];
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const rows = await sql.query<LockedRow>(
      // The customers, those to lock with them, and the survivors of any merged away: one key
      // lookup for all (an OR with an IN (subquery) would read every customer instead).
      `SELECT ${CUSTOMER_COLUMNS}, c.merged_into FROM customer c
       WHERE c.id = ANY($1::uuid[] || $2::uuid[] || ARRAY(SELECT merged_into FROM customer WHERE id = ANY($1::uuid[]) AND merged_into IS NOT NULL))
       ORDER BY c.id ${LOCK_CLAUSE[lock]}`,
      [requested, [...new Set(alsoLock)]],
    );
    const locked = new Map(rows.map((row) => [row.id, row]));
    const result = new Map<string, CustomerRow | null>();
    let settled = true;
    for (const key of requested) {
      const row = locked.get(key);
      if (!row) {
        result.set(key, null);
        continue;
      }
      const live = locked.get(row.merged_into ?? key);
      if (!live || live.merged_into) settled = false;
      // An erased customer takes no more writes: to a writer it is as unknown as an id never issued.
      else result.set(key, live.erased_at ? null : withoutMergedInto(live));
    }
    if (settled) return result;
  }
  throw new LostRace('a customer being merged');
}

export async function lockLiveCustomer(sql: Sql, key: string, lock: CustomerLock): Promise<CustomerRow | null> {
  return (await lockLiveCustomers(sql, [key], lock)).get(key) ?? null;
}

function withoutMergedInto(row: LockedRow): CustomerRow {
  const { merged_into: _mergedInto, ...customer } = row;
  return customer;
}

/**
 * Creates a customer that owns `identifier` and nothing else. A concurrent creator of the same
 * identifier wins; this call then throws LostRace, and the transaction runs again.
 */
export async function createCustomerFor(sql: Sql, identifier: NormalisedIdentifier, source: string | null): Promise<string> {
  const [key] = await createCustomersFor(sql, [{ identifier, source }]);
  return key;
}

/**
 * Creates one customer per identifier (each owning only it) in one statement, and announces
 * them: a batch of first contacts costs a few statements instead of a few per person. When a
 * concurrent transaction took any of the identifiers first, throws LostRace; run it in a
 * savepoint, so that what it inserted goes with it. Answers the new keys in the order given.
 */
export async function createCustomersFor(sql: Sql, wanted: readonly { identifier: NormalisedIdentifier; source: string | null }[]): Promise<string[]> {
  if (wanted.length === 0) return [];
  const rows = await sql.query<{ id: string; linked: number }>(
    `WITH wanted AS MATERIALIZED (
       SELECT w.*, gen_random_uuid() AS id
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS w(kind, namespace, value, display_name, source, n)),
     new_customers AS (INSERT INTO customer (id, display_name) SELECT id, display_name FROM wanted ORDER BY n),
     linked AS (
       INSERT INTO customer_identifier (customer_id, kind, namespace, value, source)
       SELECT id, kind, namespace, value, source FROM wanted ORDER BY n
       ON CONFLICT ON CONSTRAINT customer_identifier_unique DO NOTHING
       RETURNING customer_id)
     SELECT w.id::text AS id, (SELECT count(*) FROM linked)::int AS linked FROM wanted w ORDER BY w.n`,
    [
      wanted.map((w) => w.identifier.kind),
      wanted.map((w) => w.identifier.namespace),
      wanted.map((w) => w.identifier.value),
      wanted.map((w) => displayNameFor(w.identifier)),
      wanted.map((w) => w.source),
    ],
  );
  if (rows.length !== wanted.length || rows[0].linked !== wanted.length) throw new LostRace('an identifier');
  await announceCustomerChanges(
    sql,
    rows.map((row) => ({ kind: CustomerChangeKind.CREATED, customerKey: row.id })),
  );
  return rows.map((row) => row.id);
}

/** A first display name for a customer known only by an identifier. */
export function displayNameFor(identifier: NormalisedIdentifier): string {
  return identifier.kind === IdentifierKind.SOCIAL && identifier.namespace !== 'whatsapp' ? `@${identifier.value}` : identifier.value;
}
