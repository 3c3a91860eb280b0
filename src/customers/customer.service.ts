import type { DataSource } from 'typeorm';
import { z } from 'zod';
import type { Config } from '../app/config';
import { UserError, UserErrorCode, UserInputProblem } from '../app/errors';
import { check, text } from '../app/validation';
import { LostRace, MAX_RACE_RETRIES, transaction, type Sql } from '../db/transaction';
import { keyOf, toGlobalId } from '../relay/global-id';
import { CUSTOMER_COLUMNS, Customer, type CustomerRow } from './customer.types';
import { Identifier, IdentifierKind, describeIdentifier, normaliseIdentifier, type IdentifierInput, type NormalisedIdentifier } from './identifier';
import type { UpsertCustomerInput, UpsertCustomerPayload } from './upsert-customer.types';

interface IdentifierRow {
  customer_id: string;
  kind: IdentifierKind;
  namespace: string;
  value: string;
  verified: boolean;
  source: string | null;
  added_at: Date;
}

export const MAX_IDENTIFIERS_PER_WRITE = 50;

const optionalName = text(200).nullish();
const profileSchema = z.object({
  displayName: text(200).nullish(),
  givenName: optionalName,
  familyName: optionalName,
  locale: z
    .string()
    .trim()
    .max(35)
    .transform((value, ctx) => {
      try {
        return Intl.getCanonicalLocales(value)[0];
      } catch {
        ctx.addIssue({ code: 'custom', message: `"${value}" is not a BCP 47 locale such as "en-GB".` });
        return z.NEVER;
      }
    })
    .nullish(),
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

  async customersByKey(keys: readonly string[]): Promise<(Customer | null)[]> {
    const rows: CustomerRow[] = await this.db.query(`SELECT ${CUSTOMER_COLUMNS} FROM customer c WHERE c.id = ANY($1::uuid[])`, [keys]);
    const byKey = new Map(rows.map((row) => [row.id, Customer.fromRow(row)]));
    return keys.map((key) => byKey.get(key) ?? null);
  }

  async identifiersByCustomer(keys: readonly string[]): Promise<Identifier[][]> {
    const rows: IdentifierRow[] = await this.db.query(
      `SELECT customer_id, kind, namespace, value, verified, source, added_at FROM customer_identifier
       WHERE customer_id = ANY($1::uuid[]) ORDER BY added_at, id`,
      [keys],
    );
    const byCustomer = new Map<string, Identifier[]>();
    for (const row of rows) {
      const identifier = Object.assign(new Identifier(), {
        kind: row.kind,
        namespace: row.namespace === '' ? null : row.namespace,
        value: row.value,
        verified: row.verified,
        source: row.source,
        addedAt: row.added_at,
      });
      const list = byCustomer.get(row.customer_id);
      if (list) list.push(identifier);
      else byCustomer.set(row.customer_id, [identifier]);
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
  async findOrCreateByIdentifier(sql: Sql, identifier: NormalisedIdentifier, source: string | null): Promise<{ key: string; created: boolean }> {
    const [owner] = await sql.query<{ customer_id: string }>(
      `SELECT customer_id FROM customer_identifier WHERE kind = $1 AND namespace = $2 AND value = $3`,
      [identifier.kind, identifier.namespace, identifier.value],
    );
    if (owner) return { key: owner.customer_id, created: false };
    const [created] = await sql.query<{ id: string }>(
      `WITH new_customer AS (INSERT INTO customer (display_name) VALUES ($4) RETURNING id)
       INSERT INTO customer_identifier (customer_id, kind, namespace, value, source)
       SELECT id, $1, $2, $3, $5 FROM new_customer
       ON CONFLICT ON CONSTRAINT customer_identifier_unique DO NOTHING
       RETURNING customer_id AS id`,
      [identifier.kind, identifier.namespace, identifier.value, displayNameFor(identifier), source],
    );
    if (!created) throw new LostRace(describeIdentifier(identifier));
    return { key: created.id, created: true };
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
      [existing] = await sql.query<CustomerRow>(`SELECT ${CUSTOMER_COLUMNS} FROM customer c WHERE c.id = $1 FOR UPDATE`, [key]);
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
      const changes: [string, unknown][] = (
        [
          ['display_name', fields.displayName],
          ['given_name', fields.givenName],
          ['family_name', fields.familyName],
          ['locale', fields.locale],
          ['time_zone', fields.timeZone],
        ] as [keyof CustomerRow, unknown][]
      ).filter(([column, value]) => value !== undefined && value !== existing![column]);
      if (changes.length === 0 && added.length === 0) return { customer: Customer.fromRow(existing), created: false };

      await this.addIdentifiers(sql, existing.id, added, fields.source ?? null);
      const assignments = changes.map(([column], i) => `${column} = $${i + 2}`);
      const [row] = await sql.query<CustomerRow>(
        `UPDATE customer c SET ${[...assignments, 'version = version + 1', 'updated_at = now()'].join(', ')}
         WHERE c.id = $1 RETURNING ${CUSTOMER_COLUMNS}`,
        [existing.id, ...changes.map(([, value]) => value)],
      );
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
    return { customer: Customer.fromRow(row), created: true };
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
      `INSERT INTO customer_identifier (customer_id, kind, namespace, value, source)
       SELECT $1, kind, namespace, value, $5 FROM unnest($2::text[], $3::text[], $4::text[]) AS added(kind, namespace, value)
       ON CONFLICT ON CONSTRAINT customer_identifier_unique DO NOTHING
       RETURNING id`,
      [customerKey, identifiers.map((i) => i.kind), identifiers.map((i) => i.namespace), identifiers.map((i) => i.value), source],
    );
    if (inserted.length !== identifiers.length) throw new LostRace('an identifier');
  }
}

function identityKey(identifier: NormalisedIdentifier): string {
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
