import type { Sql } from '../db/database';
import { CUSTOMER_COLUMNS, Customer, type CustomerRow } from './customer.types';
import type { IdentifierKind } from '../core/enums';
import { Identifier } from './identifier.types';
import type { NormalisedIdentifier } from './identifier-normalisation';

export const IDENTIFIER_COLUMNS = 'customer_id, kind, namespace, value, verified, source, added_at';

/** A `customer_identifier` row. */
export interface IdentifierRow {
  customer_id: string;
  kind: IdentifierKind;
  namespace: string;
  value: string;
  verified: boolean;
  source: string | null;
  added_at: Date;
}

export function toIdentifier(row: IdentifierRow): Identifier {
  return Object.assign(new Identifier(), {
    customerKey: row.customer_id,
    kind: row.kind,
    namespace: row.namespace === '' ? null : row.namespace,
    value: row.value,
    verified: row.verified,
    source: row.source,
    addedAt: row.added_at,
  });
}

/** Reading customers: by key (batched by the loaders), by identifier, and their identifiers. */
export class CustomerLookup {
  constructor(
    private readonly db: Sql,
    /** Region national phone numbers are read in. */
    readonly region: string,
  ) {}

  /** Customers by key; a merged-away key answers its survivor. */
  async customersByKey(keys: readonly string[]): Promise<(Customer | null)[]> {
    const rows = await this.db.query<CustomerRow & { requested: string }>(
      `SELECT requested.id AS requested, ${CUSTOMER_COLUMNS}
       FROM unnest($1::uuid[]) AS requested(id)
       JOIN customer asked ON asked.id = requested.id
       JOIN customer c ON c.id = coalesce(asked.merged_into, asked.id)`,
      [keys],
    );
    const byKey = new Map(rows.map((row) => [row.requested, Customer.fromRow(row)]));
    return keys.map((key) => byKey.get(key) ?? null);
  }

  /** The live customer each key names now (itself, or its survivor when merged away); absent when none has the key. */
  async liveKeys(keys: readonly string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await this.db.query<{ id: string; live: string }>(`SELECT id, coalesce(merged_into, id) AS live FROM customer WHERE id = ANY($1::uuid[])`, [[...keys]]);
    return new Map(rows.map((row) => [row.id, row.live]));
  }

  async identifiersByCustomer(keys: readonly string[]): Promise<Identifier[][]> {
    const rows = await this.db.query<IdentifierRow>(
      `SELECT ${IDENTIFIER_COLUMNS} FROM customer_identifier WHERE customer_id = ANY($1::uuid[]) ORDER BY added_at, id`,
      [keys],
    );
    const byCustomer = new Map<string, Identifier[]>();
    for (const row of rows) {
      const list = byCustomer.get(row.customer_id);
      if (list) list.push(toIdentifier(row));
      else byCustomer.set(row.customer_id, [toIdentifier(row)]);
    }
    return keys.map((key) => byCustomer.get(key) ?? []);
  }

  async findByIdentifier(identifier: NormalisedIdentifier): Promise<Customer | null> {
    const rows = await this.db.query<CustomerRow>(
      `SELECT ${CUSTOMER_COLUMNS} FROM customer_identifier i JOIN customer c ON c.id = i.customer_id
       WHERE i.kind = $1 AND i.namespace = $2 AND i.value = $3`,
      [identifier.kind, identifier.namespace, identifier.value],
    );
    return rows[0] ? Customer.fromRow(rows[0]) : null;
  }
}
