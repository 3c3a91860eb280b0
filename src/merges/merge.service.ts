import { CustomerChangeKind } from '../changefeed/notifications';
import { announceCustomerChanges } from '../changefeed/publisher';
import { followMovedEvents } from '../changefeed/stream-positions';
import { recomputeCases } from '../cases/case-figures';
import { refreshCustomerOrders } from '../insights/customer-orders';
import { refreshCustomerActivity } from '../metrics/customer-activity';
import type { Channel } from '../core/enums';
import { UserError, UserErrorCode, UserInputProblem } from '../core/errors';
import { isStorableText } from '../core/storable-text';
import type { Database, Sql } from '../db/database';
import { LostRace } from '../db/database-errors';
import { IDENTIFIER_COLUMNS, toIdentifier, type IdentifierRow } from '../customers/customer-lookup';
import { CUSTOMER_COLUMNS, type CustomerRow } from '../customers/customer.types';
import type { Identifier } from '../customers/identifier.types';
import { CONSENT_COLUMNS, toConsent, type ConsentRow } from '../preferences/preferences.service';
import type { Consent } from '../preferences/preferences.types';
import { keyOf, toGlobalId } from '../relay/global-id';
import type { MergeCustomersInput, UnmergeCustomersInput } from './merge.types';

/** Profile fields a merge fills on the survivor from the merged customer when the survivor has none. */
const FILLABLE_FIELDS = ['given_name', 'family_name', 'locale', 'time_zone', 'preferred_channel', 'language', 'contact_hours'] as const;
type FillableField = (typeof FILLABLE_FIELDS)[number];

interface ConsentSnapshot {
  channel: Channel;
  granted: boolean;
  source: string | null;
  updated_at: string;
}

/** A customer's profile, preferences and consents as the ledger keeps them. */
type ProfileSnapshot = Pick<CustomerRow, FillableField | 'display_name' | 'notes' | 'version'> & { consents: ConsentSnapshot[] };

export interface MergeOutcome {
  survivor: CustomerRow;
  /** Read inside the merge's transaction, so a dry run can show them before it rolls back. */
  identifiers: Identifier[];
  consents: Consent[];
  mergedKey: string;
  eventCount: number;
  dryRun: boolean;
}

/** Carries a dry run's answer out of the transaction it rolls back. */
class DryRunDone extends Error {
  constructor(readonly outcome: MergeOutcome) {
    super('dry run');
  }
}

/** Tables whose rows belong to a customer and move with a merge. */
const OWNED_TABLES = ['timeline_event', 'customer_identifier', 'consent_change', 'support_case'] as const;

/**
 * Merging two profiles of one person, and undoing it. Every merge is written to the
 * `customer_merge` ledger with both profiles before it and the survivor after it; rows that a
 * merge moves remember their `origin_customer_id`, which is what an unmerge hands back.
 */
export class MergeService {
  constructor(private readonly db: Database) {}

  async merge(input: MergeCustomersInput): Promise<MergeOutcome> {
    try {
      return await this.db.transaction(async (sql) => {
        const outcome = await this.mergeIn(sql, input);
        if (input.dryRun) throw new DryRunDone(outcome);
        return outcome;
      });
    } catch (error) {
      if (error instanceof DryRunDone) return error.outcome;
      throw error;
    }
  }

  private async mergeIn(sql: Sql, input: MergeCustomersInput): Promise<MergeOutcome> {
    const survivorKey = keyOf(input.survivorId, 'Customer');
    const mergedKey = keyOf(input.mergedId, 'Customer');
    const errors: UserError[] = [];
    if (!survivorKey) errors.push(UserError.of(UserErrorCode.INVALID, 'Not a customer id.', ['input', 'survivorId']));
    if (!mergedKey) errors.push(UserError.of(UserErrorCode.INVALID, 'Not a customer id.', ['input', 'mergedId']));
    if (input.source != null && (input.source.trim() === '' || input.source.length > 100 || !isStorableText(input.source))) {
      errors.push(UserError.of(UserErrorCode.INVALID, '`source` must be 1 to 100 characters of storable text.', ['input', 'source']));
    }
    if (errors.length || !survivorKey || !mergedKey) throw new UserInputProblem(errors);
    if (survivorKey === mergedKey) throw UserInputProblem.one(UserErrorCode.INVALID, 'A customer cannot be merged into itself.', ['input', 'mergedId']);

    const rows = await sql.query<CustomerRow & { merged_into: string | null }>(
      `SELECT ${CUSTOMER_COLUMNS}, c.merged_into FROM customer c WHERE c.id = ANY($1::uuid[]) ORDER BY c.id FOR UPDATE`,
      [[survivorKey, mergedKey]],
    );
    const survivor = rows.find((r) => r.id === survivorKey);
    const merged = rows.find((r) => r.id === mergedKey);
    for (const [row, field] of [[survivor, 'survivorId'], [merged, 'mergedId']] as const) {
      if (!row || row.erased_at) errors.push(UserError.of(UserErrorCode.NOT_FOUND, row ? 'This customer was erased; it takes no more writes.' : 'No customer has this id.', ['input', field]));
      else if (row.merged_into) {
        errors.push(
          UserError.of(
            UserErrorCode.ALREADY_MERGED,
            `This customer was already merged into ${toGlobalId('Customer', row.merged_into)}; use that customer instead.`,
            ['input', field],
          ),
        );
      }
    }
    if (errors.length || !survivor || !merged) throw new UserInputProblem(errors);

    const consents = await sql.query<ConsentSnapshot & { customer_id: string }>(
      `SELECT customer_id, channel, granted, source, to_json(updated_at) #>> '{}' AS updated_at FROM consent WHERE customer_id = ANY($1::uuid[])`,
      [[survivorKey, mergedKey]],
    );
    const survivorBefore = snapshot(survivor, consents.filter((c) => c.customer_id === survivorKey));
    const mergedBefore = snapshot(merged, consents.filter((c) => c.customer_id === mergedKey));
    const after = combine(survivorBefore, mergedBefore);

    for (const table of OWNED_TABLES) {
      await sql.query(`UPDATE ${table} SET origin_customer_id = coalesce(origin_customer_id, customer_id), customer_id = $1 WHERE customer_id = $2`, [
        survivorKey,
        mergedKey,
      ]);
    }
    await followMovedEvents(sql, [mergedKey]);
    await sql.query(`DELETE FROM consent WHERE customer_id = $1`, [mergedKey]);
    await writeConsents(sql, survivorKey, after.consents.filter((c) => !survivorBefore.consents.some((s) => sameConsent(s, c))));
    // Customers merged into the merged one now point at the new root, so every id resolves in one hop.
    await sql.query(`UPDATE customer SET merged_into = $1 WHERE merged_into = $2`, [survivorKey, mergedKey]);
    await sql.query(`UPDATE customer SET merged_into = $1, merged_at = now(), version = version + 1, updated_at = now() WHERE id = $2`, [survivorKey, mergedKey]);
    const [survivorAfter] = await sql.query<CustomerRow>(
      `UPDATE customer c SET ${FILLABLE_FIELDS.map((f, i) => `${f} = $${i + 2}`).join(', ')}, notes = $${FILLABLE_FIELDS.length + 2},
         version = version + 1, updated_at = now()
       WHERE c.id = $1 RETURNING ${CUSTOMER_COLUMNS}`,
      [survivorKey, ...FILLABLE_FIELDS.map((f) => after[f]), after.notes],
    );
    // The survivor's orders now include the merged customer's.
    await refreshCustomerOrders(sql, [survivorKey, mergedKey]);
    await refreshCustomerActivity(sql, [survivorKey, mergedKey]);
    await sql.query(
      `INSERT INTO customer_merge (survivor_id, merged_id, survivor_before, merged_before, survivor_after, source) VALUES ($1, $2, $3, $4, $5, $6)`,
      [survivorKey, mergedKey, JSON.stringify(survivorBefore), JSON.stringify(mergedBefore), JSON.stringify({ ...after, version: survivorAfter.version }), input.source ?? null],
    );
    const [{ events }] = await sql.query<{ events: number }>(`SELECT count(*)::int AS events FROM timeline_event WHERE customer_id = $1`, [survivorKey]);
    const identifiers = await sql.query<IdentifierRow>(`SELECT ${IDENTIFIER_COLUMNS} FROM customer_identifier WHERE customer_id = $1 ORDER BY added_at, id`, [survivorKey]);
    const survivorConsents = await sql.query<ConsentRow>(`SELECT ${CONSENT_COLUMNS} FROM consent WHERE customer_id = $1 ORDER BY channel`, [survivorKey]);
    // A dry run rolls back, and its notification with it.
    await announceCustomerChanges(sql, [
      { kind: CustomerChangeKind.MERGED, customerKey: mergedKey, survivorKey, mergedKey },
      { kind: CustomerChangeKind.MERGED, customerKey: survivorKey, survivorKey, mergedKey },
    ]);
    return {
      survivor: survivorAfter,
      identifiers: identifiers.map(toIdentifier),
      consents: survivorConsents.map(toConsent),
      mergedKey,
      eventCount: events,
      dryRun: Boolean(input.dryRun),
    };
  }

  async unmerge(input: UnmergeCustomersInput): Promise<{ survivor: CustomerRow; restored: CustomerRow }> {
    const mergedKey = keyOf(input.mergedId, 'Customer');
    if (!mergedKey) throw UserInputProblem.one(UserErrorCode.INVALID, 'Not a customer id.', ['input', 'mergedId']);
    return this.db.transaction(async (sql) => {
      // Customers first, in id order, as a merge locks them; then the ledger entry, checked again.
      const [found] = await sql.query<{ survivor_id: string }>(`SELECT survivor_id FROM customer_merge WHERE merged_id = $1 AND unmerged_at IS NULL`, [mergedKey]);
      if (!found) {
        const [exists] = await sql.query(`SELECT 1 FROM customer WHERE id = $1`, [mergedKey]);
        throw exists
          ? UserInputProblem.one(UserErrorCode.NOT_MERGED, 'This customer is not merged into another one; there is nothing to undo.', ['input', 'mergedId'])
          : UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No customer has this id.', ['input', 'mergedId']);
      }
      const survivorKey = found.survivor_id;
      const locked = await sql.query<CustomerRow & { merged_into: string | null }>(
        `SELECT ${CUSTOMER_COLUMNS}, c.merged_into FROM customer c WHERE c.id = ANY($1::uuid[]) ORDER BY c.id FOR UPDATE`,
        [[survivorKey, mergedKey]],
      );
      const [ledger] = await sql.query<{ id: string; survivor_id: string; survivor_before: ProfileSnapshot; merged_before: ProfileSnapshot; survivor_after: ProfileSnapshot }>(
        `SELECT id, survivor_id, survivor_before, merged_before, survivor_after FROM customer_merge WHERE merged_id = $1 AND unmerged_at IS NULL FOR UPDATE`,
        [mergedKey],
      );
      // Another unmerge got there first: run again and answer as it left things.
      if (!ledger || ledger.survivor_id !== survivorKey) throw new LostRace('a merge being undone');
      const survivor = locked.find((r) => r.id === survivorKey)!;
      if (survivor.erased_at) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'This customer was erased with the customer it was merged into; there is nothing to bring back.', ['input', 'mergedId']);
      if (survivor.merged_into) {
        throw UserInputProblem.one(
          UserErrorCode.CONFLICT,
          `The survivor ${toGlobalId('Customer', survivorKey)} has since been merged into ${toGlobalId('Customer', survivor.merged_into)}; unmerge that first.`,
          ['input', 'mergedId'],
        );
      }
      await sql.query(`UPDATE customer_merge SET unmerged_at = now() WHERE id = $1`, [ledger.id]);

      // Where each customer under the survivor belongs now that this merge is gone: follow the
      // merges that still stand up to their root.
      const roots = await sql.query<{ start: string; root: string }>(
        `WITH RECURSIVE edges AS (SELECT merged_id, survivor_id FROM customer_merge WHERE unmerged_at IS NULL),
         walk(start, node) AS (
           SELECT id, id FROM customer WHERE merged_into = $1
           UNION ALL
           SELECT walk.start, edges.survivor_id FROM walk JOIN edges ON edges.merged_id = walk.node
         )
         SELECT start, node AS root FROM walk WHERE NOT EXISTS (SELECT 1 FROM edges WHERE edges.merged_id = walk.node)`,
        [survivorKey],
      );
      const starts = roots.map((r) => r.start);
      const rootKeys = roots.map((r) => r.root);
      await sql.query(
        `UPDATE customer c SET merged_into = nullif(r.root, c.id), merged_at = CASE WHEN r.root = c.id THEN NULL ELSE c.merged_at END
         FROM unnest($1::uuid[], $2::uuid[]) AS r(start, root) WHERE c.id = r.start`,
        [starts, rootKeys],
      );
      for (const table of OWNED_TABLES) {
        await sql.query(
          `UPDATE ${table} t SET customer_id = r.root, origin_customer_id = nullif(t.origin_customer_id, r.root)
           FROM unnest($1::uuid[], $2::uuid[]) AS r(start, root)
           WHERE t.customer_id = $3 AND t.origin_customer_id = r.start AND r.root <> $3`,
          [starts, rootKeys, survivorKey],
        );
      }
      await followMovedEvents(sql, [survivorKey]);

      await detachCrossCustomerEvents(sql, [survivorKey, ...new Set(rootKeys)]);
      await refreshCustomerOrders(sql, [survivorKey, ...new Set(rootKeys)]);
      await refreshCustomerActivity(sql, [survivorKey, ...new Set(rootKeys)]);
      const restored = await this.restoreMerged(sql, mergedKey, ledger.merged_before);
      const survivorNow = await this.revertSurvivor(sql, survivor, ledger.survivor_before, ledger.survivor_after);
      await announceCustomerChanges(sql, [
        { kind: CustomerChangeKind.UNMERGED, customerKey: mergedKey, survivorKey, mergedKey },
        { kind: CustomerChangeKind.UNMERGED, customerKey: survivorKey, survivorKey, mergedKey },
      ]);
      return { survivor: survivorNow, restored };
    });
  }

  private async restoreMerged(sql: Sql, key: string, before: ProfileSnapshot): Promise<CustomerRow> {
    await writeConsents(sql, key, before.consents);
    const [row] = await sql.query<CustomerRow>(
      `UPDATE customer c SET display_name = $2, ${FILLABLE_FIELDS.map((f, i) => `${f} = $${i + 3}`).join(', ')}, notes = $${FILLABLE_FIELDS.length + 3},
         version = version + 1, updated_at = now()
       WHERE c.id = $1 RETURNING ${CUSTOMER_COLUMNS}`,
      [key, before.display_name, ...FILLABLE_FIELDS.map((f) => before[f]), before.notes],
    );
    return row;
  }

  /**
   * Takes back what the merge gave the survivor, where nobody changed it since: fields the merge
   * filled, notes it added, consents it took from the merged customer. Later edits stay.
   */
  private async revertSurvivor(sql: Sql, current: CustomerRow, before: ProfileSnapshot, after: ProfileSnapshot): Promise<CustomerRow> {
    const reverted = FILLABLE_FIELDS.filter((f) => before[f] !== after[f] && current[f] === after[f]);
    const addedNotes = after.notes.filter((note) => !before.notes.includes(note));
    const notes = current.notes.filter((note) => !addedNotes.includes(note));

    const currentConsents = await sql.query<ConsentSnapshot>(
      `SELECT channel, granted, source, to_json(updated_at) #>> '{}' AS updated_at FROM consent WHERE customer_id = $1`,
      [current.id],
    );
    for (const taken of after.consents.filter((c) => !before.consents.some((b) => sameConsent(b, c)))) {
      const now = currentConsents.find((c) => c.channel === taken.channel);
      if (!now || !sameConsent(now, taken)) continue;
      const previous = before.consents.find((b) => b.channel === taken.channel);
      if (previous) await writeConsents(sql, current.id, [previous]);
      else await sql.query(`DELETE FROM consent WHERE customer_id = $1 AND channel = $2`, [current.id, taken.channel]);
    }

    const [row] = await sql.query<CustomerRow>(
      `UPDATE customer c SET ${[...reverted.map((f, i) => `${f} = $${i + 3}`), 'notes = $2', 'version = version + 1', 'updated_at = now()'].join(', ')}
       WHERE c.id = $1 RETURNING ${CUSTOMER_COLUMNS}`,
      [current.id, notes, ...reverted.map((f) => before[f])],
    );
    return row;
  }
}

/**
 * After an unmerge gave rows back, an event and its case may belong to different customers (an
 * event that came back into a case that stayed, or the other way round): the event leaves that
 * case, the history says so, and the case's figures are worked out again.
 */
async function detachCrossCustomerEvents(sql: Sql, customerKeys: string[]): Promise<void> {
  const detached = await sql.query<{ case_id: string }>(
    // These customers' events in others' cases, and others' events in these customers' cases,
    // each reached by key: written as joins, PostgreSQL at times read every event (one OR across
    // the join always did; two joins did in about a third of runs of the unmerge test).
    `WITH crossing AS MATERIALIZED (
       SELECT e.id, e.case_id FROM timeline_event e
       WHERE e.customer_id = ANY($1::uuid[]) AND e.case_id IS NOT NULL
         AND (SELECT sc.customer_id FROM support_case sc WHERE sc.id = e.case_id) <> e.customer_id
       UNION
       SELECT e.id, e.case_id FROM timeline_event e
       WHERE e.case_id = ANY(ARRAY(SELECT sc.id FROM support_case sc WHERE sc.customer_id = ANY($1::uuid[])))
         AND e.customer_id <> (SELECT sc.customer_id FROM support_case sc WHERE sc.id = e.case_id)
     ),
     detached AS (
       UPDATE timeline_event e SET case_id = NULL, case_rule = NULL
       WHERE e.id = ANY(ARRAY(SELECT id FROM crossing))
       RETURNING e.id
     )
     INSERT INTO case_history (case_id, at, change, event_id, actor)
     SELECT c.case_id, now(), 'EVENT_REMOVED', c.id, 'unmerge' FROM detached d JOIN crossing c ON c.id = d.id
     RETURNING case_id`,
    [customerKeys],
  );
  await recomputeCases(sql, detached.map((row) => row.case_id));
}

function snapshot(row: CustomerRow, consents: ConsentSnapshot[]): ProfileSnapshot {
  const profile = Object.fromEntries(FILLABLE_FIELDS.map((f) => [f, row[f]])) as Pick<CustomerRow, FillableField>;
  return {
    ...profile,
    display_name: row.display_name,
    notes: row.notes,
    version: row.version,
    consents: consents.map(({ channel, granted, source, updated_at }) => ({ channel, granted, source, updated_at })),
  };
}

/**
 * The merge precedence: the survivor's fields win when set, else the merged customer's; notes
 * are unioned (survivor's first); per channel the most recently updated consent wins.
 */
function combine(survivor: ProfileSnapshot, merged: ProfileSnapshot): ProfileSnapshot {
  const fields = Object.fromEntries(FILLABLE_FIELDS.map((f) => [f, survivor[f] ?? merged[f]])) as Pick<CustomerRow, FillableField>;
  const consents = new Map(survivor.consents.map((c) => [c.channel, c]));
  for (const candidate of merged.consents) {
    const held = consents.get(candidate.channel);
    if (!held || Date.parse(candidate.updated_at) > Date.parse(held.updated_at)) consents.set(candidate.channel, candidate);
  }
  return {
    ...fields,
    display_name: survivor.display_name,
    notes: [...survivor.notes, ...merged.notes.filter((note) => !survivor.notes.includes(note))],
    version: survivor.version,
    consents: [...consents.values()],
  };
}

function sameConsent(a: ConsentSnapshot, b: ConsentSnapshot): boolean {
  return a.channel === b.channel && a.granted === b.granted && a.source === b.source && Date.parse(a.updated_at) === Date.parse(b.updated_at);
}

async function writeConsents(sql: Sql, customerKey: string, consents: ConsentSnapshot[]): Promise<void> {
  if (consents.length === 0) return;
  await sql.query(
    `INSERT INTO consent (customer_id, channel, granted, source, updated_at)
     SELECT $1, channel, granted, source, updated_at FROM unnest($2::text[], $3::boolean[], $4::text[], $5::timestamptz[]) AS c(channel, granted, source, updated_at)
     ON CONFLICT (customer_id, channel) DO UPDATE SET granted = excluded.granted, source = excluded.source, updated_at = excluded.updated_at`,
    [customerKey, consents.map((c) => c.channel), consents.map((c) => c.granted), consents.map((c) => c.source), consents.map((c) => c.updated_at)],
  );
}

