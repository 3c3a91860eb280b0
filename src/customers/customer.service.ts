import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { Config } from '../app/config';
import { UserError, UserErrorCode, UserInputProblem, badUserInput } from '../app/errors';
import { check, languageTag, text } from '../app/validation';
import { LostRace, MAX_RACE_RETRIES, savepoint, transaction, type Sql } from '../db/transaction';
import { keyOf, toGlobalId } from '../relay/global-id';
import { CustomerChangeKind } from '../realtime/notifications';
import { announceCustomerChange, announceCustomerChanges } from '../realtime/publisher';
import { CUSTOMER_COLUMNS, Customer, type CustomerRow } from './customer.types';
import { Identifier, IdentifierKind, describeIdentifier, normaliseIdentifier, type IdentifierInput, type NormalisedIdentifier } from './identifier';
import type { RemoveIdentifierInput, UpsertCustomerInput, UpsertCustomerPayload } from './upsert-customer.types';

export const IDENTIFIER_COLUMNS = 'customer_id, kind, namespace, value, verified, source, added_at';

export interface IdentifierRow {
  customer_id: string;
  kind: IdentifierKind;
  namespace: string;
  value: string;
  verified: boolean;
  source: string | null;
  added_at: Date;
}

export const MAX_IDENTIFIERS_PER_WRITE = 50;
export const MAX_CUSTOMERS_PER_SYNC = 500;

const optionalName = text(200).nullish();
const profileSchema = z.object({
  displayName: text(200).nullish(),
  givenName: optionalName,
  familyName: optionalName,
  locale: languageTag('"en-GB"').nullish(),
  timeZone: z
    .string()
    .trim()
    .max(64)
    .refine((zone) => isTimeZone(zone), { message: 'is not an IANA time zone such as "Europe/London".' })
    .nullish(),
  expectedVersion: z.number().int().min(1).nullish(),
  clientRef: z.string().max(200).nullish(),
  source: text(100).nullish(),
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Profiles and the identifiers that reach them: lookup, matching and upsert. */
export class CustomerService {
  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
  ) {}

  /** Region national phone numbers are read in. */
  get region(): string {
    return this.config.DEFAULT_PHONE_REGION;
  }

  /** Customers by key; a merged-away key answers its survivor. */
  async customersByKey(keys: readonly string[]): Promise<(Customer | null)[]> {
    const rows: (CustomerRow & { requested: string })[] = await this.db.query(
      `SELECT requested.id AS requested, ${CUSTOMER_COLUMNS}
       FROM unnest($1::uuid[]) AS requested(id)
       JOIN customer asked ON asked.id = requested.id
       JOIN customer c ON c.id = coalesce(asked.merged_into, asked.id)`,
      [keys],
    );
    const byKey = new Map(rows.map((row) => [row.requested, Customer.fromRow(row)]));
    return keys.map((key) => byKey.get(key) ?? null);
  }

  /**
   * Locks the live customer a key names (the survivor when the key was merged away), for a
   * write in `sql`'s transaction; null when no customer has the key.
   */
  lockLive(sql: Sql, key: string): Promise<CustomerRow | null> {
    return lockLiveCustomer(sql, key);
  }

  async identifiersByCustomer(keys: readonly string[]): Promise<Identifier[][]> {
    const rows: IdentifierRow[] = await this.db.query(
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
    const rows: CustomerRow[] = await this.db.query(
      `SELECT ${CUSTOMER_COLUMNS} FROM customer_identifier i JOIN customer c ON c.id = i.customer_id
       WHERE i.kind = $1 AND i.namespace = $2 AND i.value = $3`,
      [identifier.kind, identifier.namespace, identifier.value],
    );
    return rows[0] ? Customer.fromRow(rows[0]) : null;
  }

  /**
   * The customer an identifier names, created with that identifier when nobody owns it yet.
   * A concurrent creator of the same identifier wins; this call then throws LostRace for a retry.
   */
  async findOrCreateByIdentifier(
    sql: Sql,
    identifier: NormalisedIdentifier,
    source: string | null,
  ): Promise<{ key: string; created: boolean; originKey: string | null }> {
    const [owner] = await sql.query<{ customer_id: string; origin_customer_id: string | null }>(
      `SELECT customer_id, origin_customer_id FROM customer_identifier WHERE kind = $1 AND namespace = $2 AND value = $3`,
      [identifier.kind, identifier.namespace, identifier.value],
    );
    // An identifier a merge moved still says whose it was, so an unmerge can hand the event back.
    if (owner) return { key: owner.customer_id, created: false, originKey: owner.origin_customer_id };
    const [created] = await sql.query<{ id: string }>(
      `WITH new_customer AS (INSERT INTO customer (display_name) VALUES ($4) RETURNING id)
       INSERT INTO customer_identifier (customer_id, kind, namespace, value, source)
       SELECT id, $1, $2, $3, $5 FROM new_customer
       ON CONFLICT ON CONSTRAINT customer_identifier_unique DO NOTHING
       RETURNING customer_id AS id`,
      [identifier.kind, identifier.namespace, identifier.value, displayNameFor(identifier), source],
    );
    if (!created) throw new LostRace(describeIdentifier(identifier));
    await announceCustomerChange(sql, { kind: CustomerChangeKind.CREATED, customerKey: created.id });
    return { key: created.id, created: true, originKey: null };
  }

  async upsert(input: UpsertCustomerInput): Promise<UpsertCustomerPayload> {
    const clientRef = input.clientRef ?? null;
    try {
      const result = await this.withRaceRetries(() => transaction(this.db, (sql) => this.upsertIn(sql, input, ['input'])));
      return { ...result, clientRef, userErrors: [] };
    } catch (error) {
      if (error instanceof UserInputProblem) return { customer: null, created: false, clientRef, userErrors: error.errors };
      throw error;
    }
  }

  async withRaceRetries<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!(error instanceof LostRace) || attempt >= MAX_RACE_RETRIES) throw error;
      }
    }
  }

  /** The upsert itself, inside the caller's transaction; throws UserInputProblem to abandon it. */
  async upsertIn(sql: Sql, input: UpsertCustomerInput, path: (string | number)[]): Promise<{ customer: Customer; created: boolean }> {
    const profile = check(profileSchema, input, path);
    const errors: UserError[] = profile.ok ? [] : [...profile.errors];
    const identifiers: NormalisedIdentifier[] = [];
    const given = input.identifiers ?? [];
    if (given.length > MAX_IDENTIFIERS_PER_WRITE) {
      errors.push(UserError.of(UserErrorCode.OUT_OF_RANGE, `At most ${MAX_IDENTIFIERS_PER_WRITE} identifiers per write.`, [...path, 'identifiers']));
    } else {
      given.forEach((identifier, i) => {
        const normalised = normaliseIdentifier(identifier, this.config.DEFAULT_PHONE_REGION);
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
    const fields = profile.value;

    const unique = dedupe(identifiers);
    const owners = await this.ownersOf(sql, unique);

    let existing: CustomerRow | null = null;
    if (key) {
      existing = await this.lockLive(sql, key);
      if (!existing) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No customer has this id.', [...path, 'id']);
    } else {
      const ownerKeys = [...new Set(owners.values())];
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
        [existing] = await sql.query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customer c WHERE c.id = $1 FOR UPDATE`, [ownerKeys[0]]);
      }
    }

    if (existing) {
      const taken = unique
        .map((identifier, i) => ({ identifier, i, owner: owners.get(identityKey(identifier)) }))
        .filter(({ owner }) => owner && owner !== existing!.id);
      if (taken.length > 0) {
        throw new UserInputProblem(
          taken.map(({ identifier, owner }) =>
            UserError.of(
              UserErrorCode.IDENTIFIER_TAKEN,
              `${describeIdentifier(identifier)} belongs to customer ${toGlobalId('Customer', owner!)}.`,
              [...path, 'identifiers', given.findIndex((g) => sameIdentifier(g, identifier, this.config.DEFAULT_PHONE_REGION))],
              toGlobalId('Customer', owner!),
            ),
          ),
        );
      }
      if (fields.expectedVersion != null && fields.expectedVersion !== existing.version) {
        throw UserInputProblem.one(
          UserErrorCode.CONFLICT,
          `The customer is at version ${existing.version}, not ${fields.expectedVersion}; read it again and retry.`,
          [...path, 'expectedVersion'],
        );
      }
      const added = unique.filter((identifier) => !owners.has(identityKey(identifier)));
      const reverified = await this.setVerified(
        sql,
        existing.id,
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
      ).filter(([column, value]) => value !== undefined && value !== existing![column]);
      if (changes.length === 0 && added.length === 0 && reverified === 0) return { customer: Customer.fromRow(existing), created: false };

      await this.addIdentifiers(sql, existing.id, added, fields.source ?? null);
      const assignments = changes.map(([column], i) => `${column} = $${i + 2}`);
      const [row] = await sql.query<CustomerRow>(
        `UPDATE customer c SET ${[...assignments, 'version = version + 1', 'updated_at = now()'].join(', ')}
         WHERE c.id = $1 RETURNING ${CUSTOMER_COLUMNS}`,
        [existing.id, ...changes.map(([, value]) => value)],
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

  /** Bulk upsert: each item in its own savepoint, so a bad item never stops the good ones. */
  async sync(inputs: UpsertCustomerInput[]): Promise<UpsertCustomerPayload[]> {
    if (inputs.length > MAX_CUSTOMERS_PER_SYNC) {
      throw badUserInput(`At most ${MAX_CUSTOMERS_PER_SYNC} customers per sync, got ${inputs.length}; split the batch.`, { argument: 'input.customers' });
    }
    return this.withRaceRetries(() =>
      transaction(this.db, async (sql) => {
        const results: UpsertCustomerPayload[] = [];
        for (const [i, input] of inputs.entries()) {
          results.push(await this.syncOne(sql, input, ['input', 'customers', i]));
        }
        return results;
      }),
    );
  }

  private async syncOne(sql: Sql, input: UpsertCustomerInput, path: (string | number)[]): Promise<UpsertCustomerPayload> {
    const clientRef = input.clientRef ?? null;
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await savepoint(sql, () => this.upsertIn(sql, input, path));
        return { ...result, clientRef, userErrors: [] };
      } catch (error) {
        if (error instanceof UserInputProblem) return { customer: null, created: false, clientRef, userErrors: error.errors };
        if (error instanceof LostRace && attempt < MAX_RACE_RETRIES) continue;
        throw error;
      }
    }
  }

  /** Detaches one identifier from a customer; the customer keeps everything else. */
  async removeIdentifier(input: RemoveIdentifierInput): Promise<UpsertCustomerPayload> {
    try {
      const customer = await transaction(this.db, async (sql) => {
        const key = keyOf(input.customerId, 'Customer');
        if (!key) throw UserInputProblem.one(UserErrorCode.INVALID, 'Not a customer id.', ['input', 'customerId']);
        const identifier = normaliseIdentifier(input.identifier, this.region);
        if (!identifier.ok) throw UserInputProblem.one(UserErrorCode.INVALID, identifier.message, ['input', 'identifier', 'value']);
        const customer = await this.lockLive(sql, key);
        if (!customer) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No customer has this id.', ['input', 'customerId']);
        if (input.expectedVersion != null && input.expectedVersion !== customer.version) {
          throw UserInputProblem.one(UserErrorCode.CONFLICT, `The customer is at version ${customer.version}, not ${input.expectedVersion}.`, ['input', 'expectedVersion']);
        }
        const removed = await sql.query(
          `DELETE FROM customer_identifier WHERE customer_id = $1 AND kind = $2 AND namespace = $3 AND value = $4 RETURNING id`,
          [customer.id, identifier.value.kind, identifier.value.namespace, identifier.value.value],
        );
        if (removed.length === 0) {
          throw UserInputProblem.one(UserErrorCode.NOT_FOUND, `This customer has no ${describeIdentifier(identifier.value)}.`, ['input', 'identifier']);
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

  /**
   * Who owns each of these identifiers (keyed by identityKey), and whose each was before a
   * merge moved it. Identifiers nobody owns are absent.
   */
  async identifierOwners(sql: Sql, identifiers: NormalisedIdentifier[]): Promise<Map<string, { key: string; originKey: string | null }>> {
    if (identifiers.length === 0) return new Map();
    const rows = await sql.query<{ kind: string; namespace: string; value: string; customer_id: string; origin_customer_id: string | null }>(
      `SELECT i.kind, i.namespace, i.value, i.customer_id, i.origin_customer_id FROM customer_identifier i
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS wanted(kind, namespace, value)
         ON i.kind = wanted.kind AND i.namespace = wanted.namespace AND i.value = wanted.value`,
      [identifiers.map((i) => i.kind), identifiers.map((i) => i.namespace), identifiers.map((i) => i.value)],
    );
    return new Map(rows.map((row) => [identityKey(row as NormalisedIdentifier), { key: row.customer_id, originKey: row.origin_customer_id }]));
  }

  private async ownersOf(sql: Sql, identifiers: NormalisedIdentifier[]): Promise<Map<string, string>> {
    if (identifiers.length === 0) return new Map();
    const rows = await sql.query<{ kind: string; namespace: string; value: string; customer_id: string }>(
      `SELECT i.kind, i.namespace, i.value, i.customer_id FROM customer_identifier i
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS wanted(kind, namespace, value)
         ON i.kind = wanted.kind AND i.namespace = wanted.namespace AND i.value = wanted.value`,
      [identifiers.map((i) => i.kind), identifiers.map((i) => i.namespace), identifiers.map((i) => i.value)],
    );
    return new Map(rows.map((row) => [identityKey(row as NormalisedIdentifier), row.customer_id]));
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
}

export function toIdentifier(row: IdentifierRow): Identifier {
  return Object.assign(new Identifier(), {
    kind: row.kind,
    namespace: row.namespace === '' ? null : row.namespace,
    value: row.value,
    verified: row.verified,
    source: row.source,
    addedAt: row.added_at,
  });
}

/** See CustomerService.lockLive; shared with the other services that write to a customer. */
export async function lockLiveCustomer(sql: Sql, key: string): Promise<CustomerRow | null> {
  const [row] = await sql.query<CustomerRow>(
    `SELECT ${CUSTOMER_COLUMNS} FROM customer asked JOIN customer c ON c.id = coalesce(asked.merged_into, asked.id)
     WHERE asked.id = $1 FOR UPDATE OF c`,
    [key],
  );
  return row ?? null;
}

/** Identifiers compare by what they name, whatever their verified flag. */
export function identityKey(identifier: NormalisedIdentifier): string {
  return `${identifier.kind}\u0000${identifier.namespace}\u0000${identifier.value}`;
}

function dedupe(identifiers: NormalisedIdentifier[]): NormalisedIdentifier[] {
  const seen = new Map<string, NormalisedIdentifier>();
  for (const identifier of identifiers) seen.set(identityKey(identifier), identifier);
  return [...seen.values()];
}

function sameIdentifier(input: IdentifierInput, identifier: NormalisedIdentifier, region: string): boolean {
  const normalised = normaliseIdentifier(input, region);
  return normalised.ok && identityKey(normalised.value) === identityKey(identifier);
}

/** A first display name for a customer known only by an identifier. */
export function displayNameFor(identifier: NormalisedIdentifier): string {
  return identifier.kind === IdentifierKind.SOCIAL && identifier.namespace !== 'whatsapp' ? `@${identifier.value}` : identifier.value;
}
