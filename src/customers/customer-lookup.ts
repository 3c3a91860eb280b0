import type { Sql } from '../db/database';
import { CUSTOMER_COLUMNS, Customer, type CustomerRow } from './customer.types';
import type { IdentifierKind } from '../core/enums';
import { Identifier } from './identifier.types';
import type { NormalisedIdentifier } from './identifier-normalisation';
import { NOTHING_AHEAD, type ReadAheadPlan } from './customer-read-ahead';

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

/** An identifier row as json_agg writes it (its time as a string). */
type IdentifierJson = Omit<IdentifierRow, 'added_at'> & { added_at: string };

/** The identifiers of the customer `c`, oldest first, as one JSON array. */
const IDENTIFIERS_OF_C = `(SELECT coalesce(json_agg(json_build_object('customer_id', i.customer_id, 'kind', i.kind, 'namespace', i.namespace, 'value', i.value,
    'verified', i.verified, 'source', i.source, 'added_at', i.added_at) ORDER BY i.added_at, i.id), '[]')
  FROM customer_identifier i WHERE i.customer_id = c.id) AS identifiers`;

type CustomerWithIdentifiers = CustomerRow & { identifiers: IdentifierJson[] } & Record<`read_ahead_${number}`, unknown>;

function withIdentifiers(row: CustomerWithIdentifiers, readAheadColumns = 0): Customer {
  const customer = Customer.fromRow(row);
  customer.identifiersRead = row.identifiers.map((json) => toIdentifier({ ...json, added_at: new Date(json.added_at) }));
  if (readAheadColumns > 0) customer.readAhead = Array.from({ length: readAheadColumns }, (_, i) => row[`read_ahead_${i}`]);
  return customer;
}

/** The plan's columns as a select list: `, <sql> AS read_ahead_0, ...`, or nothing. */
function readAheadList(columns: string[]): string {
  return columns.map((sql, i) => `, ${sql} AS read_ahead_${i}`).join('');
}

/** Reading customers: by key (batched by the loaders), by identifier, and their identifiers. */
export class CustomerLookup {
  constructor(
    private readonly db: Sql,
    /** Region national phone numbers are read in. */
    readonly region: string,
  ) {}

  /**
   * Customers by key; a merged-away key answers its survivor. Each comes with its identifiers,
   * read in the same statement (a customer's card always shows them).
   */
  async customersByKey(keys: readonly string[]): Promise<(Customer | null)[]> {
    const rows = await this.db.query<CustomerWithIdentifiers & { requested: string }>(
      `SELECT requested.id AS requested, ${CUSTOMER_COLUMNS}, ${IDENTIFIERS_OF_C}
       FROM unnest($1::uuid[]) AS requested(id)
       JOIN customer asked ON asked.id = requested.id
       JOIN customer c ON c.id = coalesce(asked.merged_into, asked.id)`,
      [keys],
    );
    const byKey = new Map(rows.map((row) => [row.requested, withIdentifiers(row)]));
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

  /** The customer an identifier names, with its identifiers and whatever `ahead` plans to read in the same statement. */
  async findByIdentifier(identifier: NormalisedIdentifier, ahead: ReadAheadPlan = NOTHING_AHEAD): Promise<Customer | null> {
    const params: unknown[] = [identifier.kind, identifier.namespace, identifier.value];
    const columns = ahead.columns(params);
    const rows = await this.db.query<CustomerWithIdentifiers>(
      `SELECT ${CUSTOMER_COLUMNS}, ${IDENTIFIERS_OF_C}${readAheadList(columns)} FROM customer_identifier found JOIN customer c ON c.id = found.customer_id
       WHERE found.kind = $1 AND found.namespace = $2 AND found.value = $3`,
      params,
    );
    return rows[0] ? withIdentifiers(rows[0], columns.length) : null;
  }

  /** One customer by key (a merged-away key answers its survivor), with whatever `ahead` plans to read in the same statement. */
  async findByKey(key: string, ahead: ReadAheadPlan): Promise<Customer | null> {
    const params: unknown[] = [key];
    const columns = ahead.columns(params);
    const rows = await this.db.query<CustomerWithIdentifiers>(
      `SELECT ${CUSTOMER_COLUMNS}, ${IDENTIFIERS_OF_C}${readAheadList(columns)}
       FROM customer asked JOIN customer c ON c.id = coalesce(asked.merged_into, asked.id)
       WHERE asked.id = $1`,
      params,
    );
    return rows[0] ? withIdentifiers(rows[0], columns.length) : null;
  }
}
