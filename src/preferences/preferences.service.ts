import { z } from 'zod';
import { CustomerChangeKind } from '../changefeed/notifications';
import { announceCustomerChange } from '../changefeed/publisher';
import { Channel } from '../core/enums';
import { UserError, UserErrorCode, UserInputProblem } from '../core/errors';
import { check, languageTag, text } from '../core/validation';
import type { Database } from '../db/database';
import { lockLiveCustomer } from '../customers/identity-matching';
import { CUSTOMER_COLUMNS, Customer, type CustomerRow } from '../customers/customer.types';
import { keyOf } from '../relay/global-id';
import { Consent, Preferences, type UpdatePreferencesInput, type UpdatePreferencesPayload } from './preferences.types';

const CONSENT_FIELDS = ['customer_id', 'channel', 'granted', 'source', 'updated_at'] as const;
export const CONSENT_COLUMNS = CONSENT_FIELDS.join(', ');

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
  constructor(private readonly db: Database) {}

  async consentsByCustomer(keys: readonly string[]): Promise<Consent[][]> {
    const rows = await this.db.query<ConsentRow>(
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

  /** The current consents of the customer `c` of the statement it is part of, as one JSON array: for reading them in the customer's own statement. */
  consentsColumn(): string {
    return `(SELECT coalesce(json_agg(json_build_object(${CONSENT_FIELDS.map((name) => `'${name}', ${name}`).join(', ')}) ORDER BY channel), '[]')
      FROM consent WHERE customer_id = c.id)`;
  }

  /** The consents consentsColumn read. */
  consentsFromColumn(value: unknown): Consent[] {
    return (value as (Omit<ConsentRow, 'updated_at'> & { updated_at: string })[]).map((json) => toConsent({ ...json, updated_at: new Date(json.updated_at) }));
  }

  async update(input: UpdatePreferencesInput): Promise<UpdatePreferencesPayload> {
    try {
      const key = keyOf(input.customerId, 'Customer');
      const parsed = check(preferencesSchema, input, ['input']);
      const errors: UserError[] = parsed.ok ? [] : parsed.errors;
      if (!key) errors.unshift(UserError.of(UserErrorCode.INVALID, 'Not a customer id.', ['input', 'customerId']));
      if (!parsed.ok || !key) throw new UserInputProblem(errors);
      const fields = parsed.value;
      const customer = await this.db.transaction(async (sql) => {
        const existing = await lockLiveCustomer(sql, key, 'profile');
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
