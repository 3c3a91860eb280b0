import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { UserError, UserErrorCode, UserInputProblem, badUserInput } from '../app/errors';
import { connectionFrom, type PageRequest } from '../relay/connection';
import { decodeCursor, encodeCursor } from '../relay/cursor';
import { check, languageTag, text } from '../app/validation';
import { transaction } from '../db/transaction';
import { keyOf } from '../relay/global-id';
import { lockLiveCustomer } from '../customers/customer.service';
import { CustomerChangeKind } from '../realtime/notifications';
import { announceCustomerChange } from '../realtime/publisher';
import { CUSTOMER_COLUMNS, Customer, type CustomerRow } from '../customers/customer.types';
import { Channel } from '../timeline/enums';
import { Consent, ConsentChange, Preferences, type ConsentChangeConnection, type UpdatePreferencesInput, type UpdatePreferencesPayload } from './preferences.types';

export const CONSENT_COLUMNS = 'customer_id, channel, granted, source, updated_at';

export function toConsent(row: ConsentRow): Consent {
  return Object.assign(new Consent(), { channel: row.channel, granted: row.granted, source: row.source, updatedAt: row.updated_at });
}

export interface ConsentRow {
  customer_id: string;
  channel: Channel;
  granted: boolean;
  source: string | null;
  updated_at: Date;
}

const MAX_NOTES = 100;

const CONSENT_CURSOR = 'cc1';

function decodeConsentCursor(cursor: string, argument: string): string {
  const fields = decodeCursor(cursor, CONSENT_CURSOR, [/^[1-9][0-9]{0,18}$/]);
  if (!fields) throw badUserInput(`\`${argument}\` is not a consent history cursor issued by this server.`, { argument });
  return fields[0];
}

const preferencesSchema = z.object({
  language: languageTag('"en" or "pt-BR"').nullish(),
  contactHours: text(200).nullish(),
  notes: z.array(text(1000)).max(MAX_NOTES, { message: `must hold at most ${MAX_NOTES} notes` }).nullish(),
  consents: z
    .array(z.object({ channel: z.enum(Channel), granted: z.boolean(), source: text(100).nullish() }))
    .max(Object.keys(Channel).length * 2)
    .nullish(),
});

/** Stated preferences and per-channel consent, with every consent change kept as history. */
export class PreferencesService {
  constructor(private readonly db: DataSource) {}

  async consentsByCustomer(keys: readonly string[]): Promise<Consent[][]> {
    const rows: ConsentRow[] = await this.db.query(
      `SELECT ${CONSENT_COLUMNS} FROM consent WHERE customer_id = ANY($1::uuid[]) ORDER BY channel`,
      [keys],
    );
    const byCustomer = new Map<string, Consent[]>();
    for (const row of rows) {
      const consent = toConsent(row);
      const list = byCustomer.get(row.customer_id);
      if (list) list.push(consent);
      else byCustomer.set(row.customer_id, [consent]);
    }
    return keys.map((key) => byCustomer.get(key) ?? []);
  }

  /** A customer's consent changes, newest first, keyset-paged by change id. */
  async consentHistory(customerKey: string, channel: Channel | null, page: PageRequest): Promise<ConsentChangeConnection> {
    const params: unknown[] = [customerKey];
    const conditions = ['customer_id = $1'];
    if (channel) {
      params.push(channel);
      conditions.push(`channel = $${params.length}`);
    }
    const backward = page.direction === 'backward';
    if (page.cursor) {
      params.push(decodeConsentCursor(page.cursor, backward ? 'before' : 'after'));
      conditions.push(`id ${backward ? '>' : '<'} $${params.length}`);
    }
    params.push(page.size + 1);
    const rows: (ConsentRow & { id: string; changed_at: Date })[] = await this.db.query(
      `SELECT id, channel, granted, source, changed_at FROM consent_change WHERE ${conditions.join(' AND ')}
       ORDER BY id ${backward ? 'ASC' : 'DESC'} LIMIT $${params.length}`,
      params,
    );
    return connectionFrom(
      rows,
      page,
      (row) => encodeCursor(CONSENT_CURSOR, row.id),
      (row) => Object.assign(new ConsentChange(), { channel: row.channel, granted: row.granted, source: row.source, changedAt: row.changed_at }),
    );
  }

  async update(input: UpdatePreferencesInput): Promise<UpdatePreferencesPayload> {
    try {
      const customer = await transaction(this.db, async (sql) => {
        const key = keyOf(input.customerId, 'Customer');
        const parsed = check(preferencesSchema, input, ['input']);
        const errors: UserError[] = parsed.ok ? [] : parsed.errors;
        if (!key) errors.unshift(UserError.of(UserErrorCode.INVALID, 'Not a customer id.', ['input', 'customerId']));
        if (!parsed.ok || !key) throw new UserInputProblem(errors);
        const fields = parsed.value;

        const existing = await lockLiveCustomer(sql, key);
        if (!existing) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No customer has this id.', ['input', 'customerId']);

        const changes: [string, unknown][] = [];
        if (input.preferredChannel !== undefined) changes.push(['preferred_channel', input.preferredChannel]);
        if (fields.language !== undefined) changes.push(['language', fields.language]);
        if (fields.contactHours !== undefined) changes.push(['contact_hours', fields.contactHours]);
        if (fields.notes !== undefined) changes.push(['notes', fields.notes ?? []]);

        // Consents given twice for one channel in one call: the last one stands.
        const consents = [...new Map((fields.consents ?? []).map((c) => [c.channel, c])).values()];
        if (consents.length > 0) {
          const channels = consents.map((c) => c.channel);
          const granted = consents.map((c) => c.granted);
          const sources = consents.map((c) => c.source ?? null);
          await sql.query(
            `INSERT INTO consent (customer_id, channel, granted, source, updated_at)
             SELECT $1, channel, granted, source, now() FROM unnest($2::text[], $3::boolean[], $4::text[]) AS c(channel, granted, source)
             ON CONFLICT (customer_id, channel) DO UPDATE SET granted = excluded.granted, source = excluded.source, updated_at = excluded.updated_at`,
            [existing.id, channels, granted, sources],
          );
          await sql.query(
            `INSERT INTO consent_change (customer_id, channel, granted, source)
             SELECT $1, channel, granted, source FROM unnest($2::text[], $3::boolean[], $4::text[]) AS c(channel, granted, source)`,
            [existing.id, channels, granted, sources],
          );
        }
        if (changes.length === 0 && consents.length === 0) return Customer.fromRow(existing);
        const [row] = await sql.query<CustomerRow>(
          `UPDATE customer c SET ${[...changes.map(([column], i) => `${column} = $${i + 2}`), 'version = version + 1', 'updated_at = now()'].join(', ')}
           WHERE c.id = $1 RETURNING ${CUSTOMER_COLUMNS}`,
          [existing.id, ...changes.map(([, value]) => value)],
        );
        await announceCustomerChange(sql, { kind: CustomerChangeKind.PREFERENCES_UPDATED, customerKey: row.id });
        return Customer.fromRow(row);
      });
      return { customer, preferences: Preferences.of(customer), userErrors: [] };
    } catch (error) {
      if (error instanceof UserInputProblem) return { customer: null, preferences: null, userErrors: error.errors };
      throw error;
    }
  }
}
