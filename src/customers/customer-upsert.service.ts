import { CustomerChangeKind } from '../changefeed/notifications';
import { announceCustomerChange, announceCustomerChanges } from '../changefeed/publisher';
import { UserError, UserErrorCode, UserInputProblem, badUserInput } from '../core/errors';
import { check } from '../core/validation';
import type { Database, Sql } from '../db/database';
import { LostRace, isRefusedByDatabase } from '../db/database-errors';
import { savepoint } from '../db/savepoint';
import { keyOf, toGlobalId } from '../relay/global-id';
import { CUSTOMER_COLUMNS, Customer, type CustomerRow } from './customer.types';
import { normaliseIdentifier, type NormalisedIdentifier } from './identifier-normalisation';
import type { IdentifierInput } from './identifier.types';
import { displayNameFor, identifierOwners, identityKey, lockLiveCustomer, lockLiveCustomers } from './identity-matching';
import { profileSchema } from './profile-validation';
import type { SuppressionList } from './suppression-list';
import type { RemoveIdentifierInput, UpsertCustomerInput, UpsertCustomerPayload } from './upsert-customer.types';

export const MAX_IDENTIFIERS_PER_WRITE = 50;
export const MAX_CUSTOMERS_PER_SYNC = 500;
/** A savepoint that lost a race for a new identifier reads the winner and goes on, this many times. */
const ITEM_RACE_RETRIES = 3;

/** An upsert input after validation: what to write, and the customer it names if it names one by id. */
interface CheckedUpsert {
  key: string | null;
  identifiers: NormalisedIdentifier[];
  fields: ReturnType<typeof profileSchema.parse>;
}

/** Writing profiles: upsert one customer, sync a CRM batch, detach an identifier. */
export class CustomerUpsertService {
  constructor(
    private readonly db: Database,
    private readonly region: string,
    private readonly suppression: SuppressionList,
  ) {}

  async upsert(input: UpsertCustomerInput): Promise<UpsertCustomerPayload> {
    const clientRef = input.clientRef ?? null;
    try {
      const checked = this.checkUpsert(input, ['input']);
      const result = await this.db.transaction(async (sql) => {
        const suppressed = await this.suppression.suppressedAmong(sql, checked.identifiers);
        return this.upsertIn(sql, checked, input, ['input'], suppressed);
      });
      return { ...result, clientRef, userErrors: [] };
    } catch (error) {
      if (error instanceof UserInputProblem) return { customer: null, created: false, clientRef, userErrors: error.errors };
      throw error;
    }
  }

  /**
   * Bulk upsert in one transaction, each item in its own savepoint so a bad item never stops the
   * good ones. Every existing customer the batch names is locked first, in one statement and in
   * id order, so concurrent syncs of the same customers in any order wait for each other instead
   * of deadlocking.
   */
  async sync(inputs: UpsertCustomerInput[]): Promise<UpsertCustomerPayload[]> {
    if (inputs.length > MAX_CUSTOMERS_PER_SYNC) {
      throw badUserInput(`At most ${MAX_CUSTOMERS_PER_SYNC} customers per sync, got ${inputs.length}; split the batch.`, { argument: 'input.customers' });
    }
    const checked = inputs.map((input, i) => {
      try {
        return this.checkUpsert(input, ['input', 'customers', i]);
      } catch (error) {
        if (error instanceof UserInputProblem) return error;
        throw error;
      }
    });
    return this.db.transaction(async (sql) => {
      const valid = checked.filter((c): c is CheckedUpsert => !(c instanceof UserInputProblem));
      await this.lockNamedCustomers(sql, valid);
      const suppressed = await this.suppression.suppressedAmong(sql, valid.flatMap((item) => item.identifiers));
      const results: UpsertCustomerPayload[] = [];
      for (const [i, input] of inputs.entries()) {
        const item = checked[i];
        const clientRef = input.clientRef ?? null;
        results.push(
          item instanceof UserInputProblem
            ? { customer: null, created: false, clientRef, userErrors: item.errors }
            : await this.syncOne(sql, item, input, ['input', 'customers', i], suppressed),
        );
      }
      return results;
    });
  }

  /** Detaches one identifier from a customer; the customer keeps everything else. */
  async removeIdentifier(input: RemoveIdentifierInput): Promise<UpsertCustomerPayload> {
    try {
      const key = keyOf(input.customerId, 'Customer');
      if (!key) throw UserInputProblem.one(UserErrorCode.INVALID, 'Not a customer id.', ['input', 'customerId']);
      const identifier = normaliseIdentifier(input.identifier, this.region);
      if (!identifier.ok) throw UserInputProblem.one(UserErrorCode.INVALID, identifier.message, ['input', 'identifier', 'value']);
      const customer = await this.db.transaction(async (sql) => {
        const customer = await lockLiveCustomer(sql, key, 'profile');
        if (!customer) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No customer has this id.', ['input', 'customerId']);
        if (input.expectedVersion != null && input.expectedVersion !== customer.version) {
          throw UserInputProblem.one(UserErrorCode.CONFLICT, `The customer is at version ${customer.version}, not ${input.expectedVersion}.`, ['input', 'expectedVersion']);
        }
        const removed = await sql.query(
          `DELETE FROM customer_identifier WHERE customer_id = $1 AND kind = $2 AND namespace = $3 AND value = $4 RETURNING id`,
          [customer.id, identifier.value.kind, identifier.value.namespace, identifier.value.value],
        );
        if (removed.length === 0) {
          throw UserInputProblem.one(UserErrorCode.NOT_FOUND, `This customer has no such ${identifier.value.kind} identifier.`, ['input', 'identifier']);
        }
        const [row] = await sql.query<CustomerRow>(
          `UPDATE customer c SET version = version + 1, updated_at = now() WHERE c.id = $1 RETURNING ${CUSTOMER_COLUMNS}`,
          [customer.id],
        );
        await announceCustomerChange(sql, { kind: CustomerChangeKind.IDENTIFIERS_CHANGED, customerKey: row.id });
        return Customer.fromRow(row);
      });
      return { customer, created: false, clientRef: null, userErrors: [] };
    } catch (error) {
      if (error instanceof UserInputProblem) return { customer: null, created: false, clientRef: null, userErrors: error.errors };
      throw error;
    }
  }

  private async syncOne(sql: Sql, item: CheckedUpsert, input: UpsertCustomerInput, path: (string | number)[], suppressed: Set<string>): Promise<UpsertCustomerPayload> {
    const clientRef = input.clientRef ?? null;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await savepoint(sql, () => this.upsertIn(sql, item, input, path, suppressed));
        return { ...result, clientRef, userErrors: [] };
      } catch (error) {
        if (error instanceof UserInputProblem) return { customer: null, created: false, clientRef, userErrors: error.errors };
        if (error instanceof LostRace && attempt < ITEM_RACE_RETRIES) continue;
        if (isRefusedByDatabase(error)) {
          return { customer: null, created: false, clientRef, userErrors: [UserError.of(UserErrorCode.REFUSED, 'The database refused this customer; nothing of it was stored.', path)] };
        }
        throw error;
      }
    }
  }

  /** Locks, in id order, every existing customer the batch names by id or by an identifier. */
  private async lockNamedCustomers(sql: Sql, items: CheckedUpsert[]): Promise<void> {
    const owners = await identifierOwners(sql, items.flatMap((item) => (item.key ? [] : item.identifiers)));
    const keys = new Set<string>();
    for (const item of items) {
      if (item.key) keys.add(item.key);
      for (const identifier of item.identifiers) {
        const owner = owners.get(identityKey(identifier));
        if (owner && !item.key) keys.add(owner.key);
      }
    }
    if (keys.size > 0) await lockLiveCustomers(sql, [...keys], 'profile');
  }

  /** Validates an upsert input without touching the database; throws UserInputProblem. */
  private checkUpsert(input: UpsertCustomerInput, path: (string | number)[]): CheckedUpsert {
    const profile = check(profileSchema, input, path);
    const errors: UserError[] = profile.ok ? [] : [...profile.errors];
    const identifiers: NormalisedIdentifier[] = [];
    const given = input.identifiers ?? [];
    if (given.length > MAX_IDENTIFIERS_PER_WRITE) {
      errors.push(UserError.of(UserErrorCode.OUT_OF_RANGE, `At most ${MAX_IDENTIFIERS_PER_WRITE} identifiers per write.`, [...path, 'identifiers']));
    } else {
      given.forEach((identifier, i) => {
        const normalised = normaliseIdentifier(identifier, this.region);
        if (normalised.ok) identifiers.push(normalised.value);
        else errors.push(UserError.of(UserErrorCode.INVALID, normalised.message, [...path, 'identifiers', i, 'value']));
      });
    }
    let key: string | null = null;
    if (input.id != null) {
      key = keyOf(input.id, 'Customer');
      if (!key) errors.push(UserError.of(UserErrorCode.INVALID, 'Not a customer id.', [...path, 'id']));
    }
    if (input.displayName === null) errors.push(UserError.of(UserErrorCode.REQUIRED, 'displayName cannot be cleared.', [...path, 'displayName']));
    if (errors.length > 0 || !profile.ok) throw new UserInputProblem(errors);
    return { key, identifiers: dedupe(identifiers), fields: profile.value };
  }

  /**
   * The upsert itself, inside the caller's transaction; throws UserInputProblem to abandon it.
   * `suppressed` holds the identityKeys of the item's identifiers that erased customers asked
   * never to be recorded again: naming one that nobody owns is refused.
   */
  private async upsertIn(
    sql: Sql,
    item: CheckedUpsert,
    input: UpsertCustomerInput,
    path: (string | number)[],
    suppressed: Set<string>,
  ): Promise<{ customer: Customer; created: boolean }> {
    const { key, identifiers: unique, fields } = item;
    let owners = await identifierOwners(sql, unique);
    const refused = unique.filter((identifier) => suppressed.has(identityKey(identifier)) && !owners.has(identityKey(identifier)));
    if (refused.length > 0) {
      const given = input.identifiers ?? [];
      throw new UserInputProblem(
        refused.map((identifier) =>
          UserError.of(
            UserErrorCode.SUPPRESSED,
            `This ${identifier.kind} identifier belonged to an erased customer who asked not to be recorded again; it cannot be stored.`,
            [...path, 'identifiers', given.findIndex((g) => this.names(g, identifier))],
          ),
        ),
      );
    }

    let existing: CustomerRow | null = null;
    if (key) {
      existing = await lockLiveCustomer(sql, key, 'profile');
      if (!existing) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No customer has this id.', [...path, 'id']);
    } else {
      const ownerKeys = [...new Set([...owners.values()].map((owner) => owner.key))];
      if (ownerKeys.length > 1) {
        throw new UserInputProblem(
          ownerKeys.map((owner) =>
            UserError.of(
              UserErrorCode.IDENTIFIER_TAKEN,
              `These identifiers belong to different customers; customer ${toGlobalId('Customer', owner)} owns some of them. Merge the customers first if they are one person.`,
              [...path, 'identifiers'],
              toGlobalId('Customer', owner),
            ),
          ),
        );
      }
      if (ownerKeys.length === 1) {
        existing = await lockLiveCustomer(sql, ownerKeys[0], 'profile');
        // The owner was merged away meanwhile: its identifiers went with it to the survivor.
        if (existing && existing.id !== ownerKeys[0]) owners = await identifierOwners(sql, unique);
      }
    }

    if (existing) {
      const customer = existing;
      const taken = unique
        .map((identifier) => ({ identifier, owner: owners.get(identityKey(identifier))?.key }))
        .filter(({ owner }) => owner && owner !== customer.id);
      if (taken.length > 0) {
        const given = input.identifiers ?? [];
        throw new UserInputProblem(
          taken.map(({ identifier, owner }) =>
            UserError.of(
              UserErrorCode.IDENTIFIER_TAKEN,
              `This ${identifier.kind} identifier belongs to customer ${toGlobalId('Customer', owner!)}.`,
              [...path, 'identifiers', given.findIndex((g) => this.names(g, identifier))],
              toGlobalId('Customer', owner!),
            ),
          ),
        );
      }
      if (fields.expectedVersion != null && fields.expectedVersion !== customer.version) {
        throw UserInputProblem.one(
          UserErrorCode.CONFLICT,
          `The customer is at version ${customer.version}, not ${fields.expectedVersion}; read it again and retry.`,
          [...path, 'expectedVersion'],
        );
      }
      const added = unique.filter((identifier) => !owners.has(identityKey(identifier)));
      const reverified = await this.setVerified(
        sql,
        customer.id,
        unique.filter((identifier) => owners.has(identityKey(identifier)) && identifier.verified !== undefined),
      );
      const changes: [string, unknown][] = (
        [
          ['display_name', fields.displayName],
          ['given_name', fields.givenName],
          ['family_name', fields.familyName],
          ['locale', fields.locale],
          ['time_zone', fields.timeZone],
        ] as [keyof CustomerRow, unknown][]
      ).filter(([column, value]) => value !== undefined && value !== customer[column]);
      if (changes.length === 0 && added.length === 0 && reverified === 0) return { customer: Customer.fromRow(customer), created: false };

      await this.addIdentifiers(sql, customer.id, added, fields.source ?? null);
      const assignments = changes.map(([column], i) => `${column} = $${i + 2}`);
      const [row] = await sql.query<CustomerRow>(
        `UPDATE customer c SET ${[...assignments, 'version = version + 1', 'updated_at = now()'].join(', ')}
         WHERE c.id = $1 RETURNING ${CUSTOMER_COLUMNS}`,
        [customer.id, ...changes.map(([, value]) => value)],
      );
      await announceCustomerChanges(sql, [
        ...(changes.length > 0 ? [{ kind: CustomerChangeKind.PROFILE_UPDATED, customerKey: row.id }] : []),
        ...(added.length > 0 || reverified > 0 ? [{ kind: CustomerChangeKind.IDENTIFIERS_CHANGED, customerKey: row.id }] : []),
      ]);
      return { customer: Customer.fromRow(row), created: false };
    }

    if (fields.expectedVersion != null) {
      throw UserInputProblem.one(UserErrorCode.CONFLICT, 'No customer matched, so there is no version to expect.', [...path, 'expectedVersion']);
    }
    const displayName =
      fields.displayName ?? ([fields.givenName, fields.familyName].filter(Boolean).join(' ') || (unique[0] && displayNameFor(unique[0])));
    if (!displayName) {
      throw UserInputProblem.one(UserErrorCode.REQUIRED, 'A new customer needs a displayName, a name or an identifier.', [...path, 'displayName']);
    }
    const [row] = await sql.query<CustomerRow>(
      `INSERT INTO customer AS c (display_name, given_name, family_name, locale, time_zone)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${CUSTOMER_COLUMNS}`,
      [displayName, fields.givenName ?? null, fields.familyName ?? null, fields.locale ?? null, fields.timeZone ?? null],
    );
    await this.addIdentifiers(sql, row.id, unique, fields.source ?? null);
    await announceCustomerChange(sql, { kind: CustomerChangeKind.CREATED, customerKey: row.id });
    return { customer: Customer.fromRow(row), created: true };
  }

  /** Sets the verified flag where it differs; answers how many identifiers changed. */
  private async setVerified(sql: Sql, customerKey: string, identifiers: NormalisedIdentifier[]): Promise<number> {
    if (identifiers.length === 0) return 0;
    const changed = await sql.query(
      `UPDATE customer_identifier i SET verified = wanted.verified
       FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[]) AS wanted(kind, namespace, value, verified)
       WHERE i.customer_id = $1 AND i.kind = wanted.kind AND i.namespace = wanted.namespace AND i.value = wanted.value
         AND i.verified IS DISTINCT FROM wanted.verified
       RETURNING i.id`,
      [customerKey, identifiers.map((i) => i.kind), identifiers.map((i) => i.namespace), identifiers.map((i) => i.value), identifiers.map((i) => i.verified)],
    );
    return changed.length;
  }

  private async addIdentifiers(sql: Sql, customerKey: string, identifiers: NormalisedIdentifier[], source: string | null): Promise<void> {
    if (identifiers.length === 0) return;
    const inserted = await sql.query(
      `INSERT INTO customer_identifier (customer_id, kind, namespace, value, verified, source)
       SELECT $1, kind, namespace, value, verified, $6
       FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[]) AS added(kind, namespace, value, verified)
       ON CONFLICT ON CONSTRAINT customer_identifier_unique DO NOTHING
       RETURNING id`,
      [
        customerKey,
        identifiers.map((i) => i.kind),
        identifiers.map((i) => i.namespace),
        identifiers.map((i) => i.value),
        identifiers.map((i) => i.verified ?? false),
        source,
      ],
    );
    if (inserted.length !== identifiers.length) throw new LostRace('an identifier');
  }

  /** Whether an input names this normalised identifier. */
  private names(input: IdentifierInput, identifier: NormalisedIdentifier): boolean {
    const normalised = normaliseIdentifier(input, this.region);
    return normalised.ok && identityKey(normalised.value) === identityKey(identifier);
  }
}

function dedupe(identifiers: NormalisedIdentifier[]): NormalisedIdentifier[] {
  const seen = new Map<string, NormalisedIdentifier>();
  for (const identifier of identifiers) seen.set(identityKey(identifier), identifier);
  return [...seen.values()];
}
