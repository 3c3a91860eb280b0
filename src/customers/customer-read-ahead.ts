import type { GraphQLResolveInfo } from 'graphql';
import { selectedFields, type SelectedField } from '../relay/selected-fields';
import type { Customer } from './customer.types';

/**
 * A field another feature adds to Customer whose value can be read in the customer's own
 * statement. The agent card (a customer with its consents, insights, cases and a page of its
 * timeline) then costs one round trip instead of one per feature. What is read is handed to that
 * feature's loaders under the key its resolver asks for, so the resolver, its scope check and
 * its masking run as always and find the value there.
 */
export interface CustomerReadAhead<Loaders extends object = object> {
  /** The Customer field it reads, e.g. `insights`. */
  field: string;
  /**
   * One SQL expression answering a JSON value for the customer `c` (its values appended to
   * `params`), or null to leave the field to its resolver: arguments it does not read ahead, and
   * ones the resolver refuses, whose error must come from the field itself.
   */
  column(selection: SelectedField, params: unknown[]): string | null;
  /** Hands what the column answered to the request's loaders. */
  prime(loaders: Loaders, customerKey: string, selection: SelectedField, value: unknown): void;
}

/** What one customer statement reads ahead for one resolving field. */
export interface ReadAheadPlan {
  /** SQL expressions to select beside the customer's columns, numbered after (and appending to) the statement's own `params`. */
  columns(params: unknown[]): string[];
  /** Hands what those columns answered for `customer` (its `readAhead`) to the request's loaders. */
  prime(loaders: object, customer: Customer): void;
}

/** Reads nothing ahead. */
export const NOTHING_AHEAD: ReadAheadPlan = { columns: () => [], prime: () => undefined };

/** The read-aheads the server wires, by the field each reads. */
export class CustomerReadAheads {
  private readonly byField: Map<string, CustomerReadAhead<any>>;

  constructor(readAheads: readonly CustomerReadAhead<any>[]) {
    this.byField = new Map(readAheads.map((readAhead) => [readAhead.field, readAhead]));
  }

  /** What the customer (or customers) resolving at `info` select that can be read in their own statement. */
  planFor(info: GraphQLResolveInfo): ReadAheadPlan {
    const wanted = selectedFields(info).filter((selection) => this.byField.has(selection.name));
    if (wanted.length === 0) return NOTHING_AHEAD;
    const planned: { readAhead: CustomerReadAhead<any>; selection: SelectedField }[] = [];
    return {
      columns: (params) => {
        planned.length = 0;
        const sql: string[] = [];
        for (const selection of wanted) {
          const readAhead = this.byField.get(selection.name)!;
          const before = params.length;
          const column = readAhead.column(selection, params);
          if (!column) {
            // A parameter the statement does not use would leave PostgreSQL unable to type it.
            params.length = before;
            continue;
          }
          planned.push({ readAhead, selection });
          sql.push(column);
        }
        return sql;
      },
      prime: (loaders, customer) => {
        planned.forEach(({ readAhead, selection }, i) => readAhead.prime(loaders, customer.key, selection, customer.readAhead?.[i]));
      },
    };
  }
}
