import { announceTimelineEvents } from '../changefeed/publisher';
import { eventDeliveriesCte } from '../changefeed/webhook-outbox';
import { EventKind } from '../core/enums';
import { UserError, UserErrorCode } from '../core/errors';
import type { Database, Sql } from '../db/database';
import { LostRace, isRefusedByDatabase } from '../db/database-errors';
import { savepoint } from '../db/savepoint';
import type { NormalisedIdentifier } from '../customers/identifier-normalisation';
import { createCustomerFor, createCustomersFor, identifierOwners, identityKey, lockLiveCustomers, type IdentifierOwner } from '../customers/identity-matching';
import type { SuppressionList } from '../customers/suppression-list';
import type { CaseAssignment } from '../cases/case-assignment';
import type { Placement } from '../cases/case-rules';
import { orderKeyOf, refreshCustomerOrders } from '../insights/customer-orders';
import { addRecordedEvents } from '../metrics/recorded-events';
import { EVENT_COLUMNS, EVENT_COLUMNS_WITHOUT_CASE } from '../timeline/timeline.service';
import type { TimelineEventRow } from '../timeline/timeline-event.types';
import type { ValidatedEvent } from './event-validation';

/** A savepoint that lost a race for a new customer's identifier reads the winner and goes on, this many times. */
const ITEM_RACE_RETRIES = 3;

/** A validated event and where in the input it came from (for its errors). */
export interface StorableEvent {
  event: ValidatedEvent;
  path: (string | number)[];
}

/**
 * What became of one event handed to storage: plain data, so that it crosses from the recording
 * thread as it is. The front makes the GraphQL payload of it.
 */
export interface StorageOutcome {
  /** The stored row (the earlier one for a repeat), with its stream position when it was created here; null on user errors. */
  row: TimelineEventRow | null;
  created: boolean;
  userErrors: UserError[];
}

export interface StoreOptions {
  /** The transaction that single events and small batches of concurrent requests share (see EventRecorder). */
  shared: boolean;
}

/** Where the recorder hands validated events to be stored: EventStorage itself, or the recording thread running it. */
export interface EventStore {
  store(items: StorableEvent[], options?: StoreOptions): Promise<StorageOutcome[]>;
}

/** Whose an event is: a live customer (locked for this transaction), or one to create for an identifier nobody has. */
type Owner = IdentifierOwner | { create: NormalisedIdentifier } | null;

/** What becomes of one item of a batch. */
type Outcome = { payload: StorageOutcome } | { insert: true } | { sameAs: number };

/** Carries a batch's answers out of a transaction that is rolled back because none of them stored anything. */
class NothingToKeep extends Error {
  constructor(readonly results: StorageOutcome[]) {
    super('nothing to keep');
  }
}

/**
 * Stores validated events in one transaction with set-based SQL: a batch costs the same
 * twenty-odd statements at any size, not thousands. Items fail on their own: one the database
 * refuses, a repeat of another customer's idempotency key, an unknown customer. The server runs
 * it on the recording thread (recording-thread.ts), over that thread's own pool.
 */
export class EventStorage implements EventStore {
  constructor(
    private readonly db: Database,
    private readonly suppression: SuppressionList,
    private readonly cases: CaseAssignment,
  ) {}

  /** Stores valid events in one transaction; answers what became of each, in order. */
  async store(toStore: StorableEvent[]): Promise<StorageOutcome[]> {
    let stored: StorageOutcome[];
    try {
      stored = await this.db.transaction(async (sql) => {
        const results = await this.storeBatch(sql, toStore);
        // Nothing new to keep (repeats and user errors only): undo whatever was written on the
        // way, such as a customer made for an identifier whose event then lost a race.
        if (!results.some((result) => result.created)) throw new NothingToKeep(results);
        return results;
      }, { planOnceByKey: true });
    } catch (error) {
      if (error instanceof NothingToKeep) stored = error.results;
      // A single event the database refused: its transaction is rolled back, so nothing is stored.
      else if (toStore.length === 1 && isRefusedByDatabase(error)) stored = [refused(toStore[0].path)];
      else throw error;
    }
    return stored;
  }

  private async storeBatch(sql: Sql, items: StorableEvent[]): Promise<StorageOutcome[]> {
    const events = items.map((item) => item.event);
    const earlier = await this.storedByExternalId(sql, events.filter((e) => e.externalId != null));
    const owners = await this.ownersOf(sql, events);
    // Identifiers nobody owns would make a customer: not for one an erased customer had suppressed.
    const suppressed = await this.suppression.suppressedAmong(sql, owners.flatMap((owner) => (owner && 'create' in owner ? [owner.create] : [])));
    const aboutOwners = await this.customersOfEvents(sql, events.flatMap((e) => (e.aboutEventKey ? [e.aboutEventKey] : [])));

    const outcomes: Outcome[] = [];
    const firstWithExternalId = new Map<string, number>();
    items.forEach(({ event, path }, index) => {
      const owner = owners[index];
      const repeat = event.externalId != null ? earlier.get(externalKey(event)) : undefined;
      if (!owner) return void outcomes.push({ payload: failed([UserError.of(UserErrorCode.NOT_FOUND, 'No customer has this id.', [...path, 'customerId'])]) });
      if ('create' in owner && suppressed.has(identityKey(owner.create))) {
        return void outcomes.push({
          payload: failed([
            UserError.of(UserErrorCode.SUPPRESSED, 'This identifier belonged to an erased customer who asked not to be recorded again; the event was not stored.', [...path, 'identifier']),
          ]),
        });
      }
      if (repeat) return void outcomes.push({ payload: sameEvent(repeat, event, owner) ? storedPayload(repeat, false) : reusedKey(path) });
      if (event.aboutEventKey != null && ('create' in owner || aboutOwners.get(event.aboutEventKey) !== owner.key)) {
        // Someone else's event, or none at all: the answer is the same, so it tells nothing.
        return void outcomes.push({ payload: failed([UserError.of(UserErrorCode.NOT_FOUND, 'This customer has no timeline event with this id.', [...path, 'aboutEventId'])]) });
      }
      if (event.externalId != null) {
        const first = firstWithExternalId.get(externalKey(event));
        if (first !== undefined) return void outcomes.push({ sameAs: first });
        firstWithExternalId.set(externalKey(event), index);
      }
      outcomes.push({ insert: true });
    });

    const toInsert = outcomes.flatMap((outcome, index) => ('insert' in outcome ? [index] : []));
    const inserted = await this.insertAll(sql, toInsert.map((index) => ({ index, event: events[index], owner: owners[index]!, path: items[index].path })));

    // A concurrent transaction stored the same (source, externalId) first: answer its event.
    const lost = toInsert.filter((index) => !inserted.has(index));
    const theirs = await this.storedByExternalId(sql, lost.map((index) => events[index]));
    const results: (StorageOutcome | null)[] = outcomes.map((outcome, index) => {
      if ('payload' in outcome) return outcome.payload;
      if ('sameAs' in outcome) return null;
      const mine = inserted.get(index);
      if (mine) return mine;
      const row = theirs.get(externalKey(events[index]));
      if (!row) throw new LostRace('an idempotency key');
      return sameEvent(row, events[index], owners[index]!) ? storedPayload(row, false) : reusedKey(items[index].path);
    });
    // The same (source, externalId) twice in one batch: the second answers as a repeat of the first.
    outcomes.forEach((outcome, index) => {
      if (!('sameAs' in outcome)) return;
      const first = results[outcome.sameAs]!;
      if (!first.row) results[index] = first;
      else if (events[index].kind === events[outcome.sameAs].kind && sameOwner(owners[index], owners[outcome.sameAs])) results[index] = { ...first, created: false };
      else results[index] = reusedKey(items[index].path);
    });

    // Last step before COMMIT: stream positions and the notification for what this batch created.
    const done = results as StorageOutcome[];
    const created = done.flatMap((result) => (result.created && result.row ? [result.row] : []));
    const positions = await announceTimelineEvents(sql, created);
    for (const row of created) row.stream_position = positions.get(row.id)!;
    return done;
  }

  /**
   * The customer each event belongs to, locked against merges until the transaction ends: the
   * survivor when a merge stands between (a merged-away id, or an identifier a merge moved: an
   * unmerge gives such events back); `create` for an identifier nobody has; null for an unknown id.
   */
  private async ownersOf(sql: Sql, events: ValidatedEvent[]): Promise<Owner[]> {
    const identifiers = events.flatMap((e) => ('identifier' in e.customer ? [e.customer.identifier] : []));
    const byIdentifier = await identifierOwners(sql, identifiers);
    const keys = events.flatMap((e) => ('key' in e.customer ? [e.customer.key] : []));
    // Rows name their origin customer too (a foreign key, so inserting them locks it): lock those now, in order.
    const owners = [...byIdentifier.values()];
    const live = await lockLiveCustomers(
      sql,
      [...keys, ...owners.map((owner) => owner.key)],
      'events',
      owners.flatMap((owner) => (owner.originKey ? [owner.originKey] : [])),
    );
    if (byIdentifier.size > 0) {
      // Now that their customers are held, no merge can move these identifiers; one that moved
      // before we held them means reading again.
      const now = await identifierOwners(sql, identifiers);
      for (const [identity, owner] of byIdentifier) if (now.get(identity)?.key !== owner.key || live.get(owner.key)?.id !== owner.key) throw new LostRace('an identifier being merged');
    }
    return events.map((e): Owner => {
      if ('identifier' in e.customer) return byIdentifier.get(identityKey(e.customer.identifier)) ?? { create: e.customer.identifier };
      const row = live.get(e.customer.key);
      if (!row) return null;
      return { key: row.id, originKey: row.id === e.customer.key ? null : e.customer.key };
    });
  }

  /**
   * Creates the customers that new identifiers name and inserts the events. When the database
   * refuses a row (a constraint or trigger of the deployment), the batch is undone and each item
   * tried on its own, so only the refused ones fail.
   */
  private async insertAll(
    sql: Sql,
    items: { index: number; event: ValidatedEvent; owner: Exclude<Owner, null>; path: (string | number)[] }[],
  ): Promise<Map<number, StorageOutcome>> {
    if (items.length === 0) return new Map();
    const isolate = items.length > 1;
    const insert = async (batch: typeof items) => {
      // The first item naming an identifier nobody has gives its new customer its source.
      const wanted = new Map<string, { identifier: NormalisedIdentifier; source: string | null }>();
      for (const { owner, event } of batch) {
        if ('create' in owner && !wanted.has(identityKey(owner.create))) wanted.set(identityKey(owner.create), { identifier: owner.create, source: event.source });
      }
      const created = await this.createCustomers(sql, [...wanted.values()], isolate);
      const placed = batch.map((item) => {
        const owner = 'create' in item.owner ? created.get(identityKey(item.owner.create))! : item.owner;
        return { index: item.index, event: item.event, path: item.path, customerKey: owner.key, originKey: owner.originKey };
      });
      // Cases: placed by their rules before the insert (opening the new ones), written after it.
      const cases = await this.cases.place(
        sql,
        placed.map((p) => ({ ...p.event, index: p.index, customerKey: p.customerKey, path: p.path })),
      );
      await this.cases.createCases(sql, cases);
      const storable = placed.filter((p) => !cases.errors.has(p.index)).map((p) => ({ ...p, placement: cases.placements.get(p.index) ?? null }));
      const results = await this.insertEvents(sql, storable);
      const rows = new Map([...results].flatMap(([index, outcome]) => (outcome.row ? [[index, outcome.row] as const] : [])));
      const recorded = new Map([...rows].map(([index, row]) => [index, { eventKey: row.id, customerKey: row.customer_id, occurredAt: row.occurred_at }] as const));
      await this.cases.finish(sql, cases, recorded);
      await addRecordedEvents(sql, [...recorded.values()]);
      const purchases = [...rows.values()].filter((row) => row.kind === EventKind.PURCHASE);
      if (purchases.length > 0) await refreshCustomerOrders(sql, purchases.map((p) => p.customer_id), purchases.map((p) => orderKeyOf(p.source, String(p.details.orderNumber))));
      for (const [index, error] of cases.errors) results.set(index, failed([error]));
      return results;
    };
    if (!isolate) return insert(items);
    try {
      return await savepoint(sql, () => insert(items));
    } catch (error) {
      if (!isRefusedByDatabase(error)) throw error;
    }
    const results = new Map<number, StorageOutcome>();
    for (const item of items) {
      try {
        for (const [index, payload] of await savepoint(sql, () => insert([item]))) results.set(index, payload);
      } catch (error) {
        if (!isRefusedByDatabase(error)) throw error;
        results.set(item.index, refused(item.path));
      }
    }
    return results;
  }

  /**
   * The customers a batch's new identifiers need, by identity: all in one statement (after a
   * look for any created since the batch was read); when a concurrent transaction created one
   * of them meanwhile, one at a time instead, each taking the other's customer where it exists.
   */
  private async createCustomers(sql: Sql, wanted: { identifier: NormalisedIdentifier; source: string | null }[], isolate: boolean): Promise<Map<string, IdentifierOwner>> {
    const owners = new Map<string, IdentifierOwner>();
    if (wanted.length === 0) return owners;
    if (wanted.length > 1) {
      try {
        return await savepoint(sql, async () => {
          const existing = await identifierOwners(sql, wanted.map((w) => w.identifier));
          if (existing.size > 0) throw new LostRace('an identifier created since the batch was read');
          const keys = await createCustomersFor(sql, wanted);
          wanted.forEach((w, i) => owners.set(identityKey(w.identifier), { key: keys[i], originKey: null }));
          return owners;
        });
      } catch (error) {
        if (!(error instanceof LostRace)) throw error;
      }
    }
    for (const { identifier, source } of wanted) owners.set(identityKey(identifier), await this.createCustomer(sql, identifier, source, isolate));
    return owners;
  }

  /** In a batch, a concurrent creator of the same identifier only costs a retry of this one step. */
  private async createCustomer(sql: Sql, identifier: NormalisedIdentifier, source: string | null, isolate: boolean): Promise<IdentifierOwner> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (!isolate) return { key: await createCustomerFor(sql, identifier, source), originKey: null };
        return await savepoint(sql, async () => {
          // Another item or transaction may have created it since: then it is theirs to use.
          const existing = (await identifierOwners(sql, [identifier])).get(identityKey(identifier));
          if (!existing) return { key: await createCustomerFor(sql, identifier, source), originKey: null };
          const live = await lockLiveCustomers(sql, [existing.key], 'events');
          if (live.get(existing.key)?.id !== existing.key) throw new LostRace('an identifier being merged');
          return existing;
        });
      } catch (error) {
        if (error instanceof LostRace && isolate && attempt < ITEM_RACE_RETRIES) continue;
        throw error;
      }
    }
  }

  /**
   * Inserts with ids taken before the insert, in the same statement, so each stored row is known
   * to belong to its item (a row a concurrent transaction stored first is skipped, and RETURNING
   * does not say which item a row came from). The rows come without their case: it predates the
   * figures written after the insert, and the case's resolver reads it anew.
   */
  private async insertEvents(
    sql: Sql,
    items: { index: number; event: ValidatedEvent; customerKey: string; originKey: string | null; placement: Placement | null }[],
  ): Promise<Map<number, StorageOutcome>> {
    if (items.length === 0) return new Map();
    const column = <T>(pick: (item: (typeof items)[number]) => T) => items.map(pick);
    const rows = await sql.query<TimelineEventRow & { item: string }>(
      `WITH wanted AS MATERIALIZED (
         SELECT nextval(pg_get_serial_sequence('timeline_event', 'id')) AS id, w.*
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::jsonb[], $11::uuid[], $12::uuid[], $13::text[])
              WITH ORDINALITY AS w(customer_id, kind, channel, occurred_at, direction, summary, source, external_id, agent_id, details, origin_customer_id, case_id, case_rule, item)
       ),
       inserted AS (
         INSERT INTO timeline_event AS e (id, customer_id, kind, channel, occurred_at, direction, summary, source, external_id, agent_id, details, origin_customer_id, case_id, case_rule)
         OVERRIDING SYSTEM VALUE
         SELECT id, customer_id, kind, channel, occurred_at, direction, summary, source, external_id, agent_id, details, origin_customer_id, case_id, case_rule FROM wanted ORDER BY item
         ON CONFLICT ((coalesce(source, '')), external_id) WHERE external_id IS NOT NULL DO NOTHING
         RETURNING *
       ),
       -- The webhook outbox, in the same statement: committed with the events or not at all.
       ${eventDeliveriesCte('webhook_deliveries', 'inserted')}
       SELECT ${EVENT_COLUMNS_WITHOUT_CASE}, w.item::text AS item FROM inserted e JOIN wanted w ON w.id = e.id`,
      [
        column((i) => i.customerKey),
        column((i) => i.event.kind),
        column((i) => i.event.channel),
        column((i) => i.event.occurredAt),
        column((i) => i.event.direction),
        column((i) => i.event.summary),
        column((i) => i.event.source),
        column((i) => i.event.externalId),
        column((i) => i.event.agentId),
        column((i) => JSON.stringify(i.event.details)),
        column((i) => i.originKey),
        column((i) => i.placement?.caseKey ?? null),
        column((i) => i.placement?.rule ?? null),
      ],
      { genericPlan: true },
    );
    return new Map(rows.map(({ item, ...row }) => [items[Number(item) - 1].index, storedPayload(row, true)] as const));
  }

  private async storedByExternalId(sql: Sql, events: ValidatedEvent[]): Promise<Map<string, TimelineEventRow>> {
    if (events.length === 0) return new Map();
    // One probe of the unique index per key, whatever the plan (see TransactionOptions.planOnceByKey).
    const rows = await sql.query<TimelineEventRow>(
      `SELECT found.* FROM unnest($1::text[], $2::text[]) AS wanted(source, external_id)
       CROSS JOIN LATERAL (
         SELECT ${EVENT_COLUMNS} FROM timeline_event e
         WHERE coalesce(e.source, '') = wanted.source AND e.external_id = wanted.external_id LIMIT 1) found`,
      [events.map((e) => e.source ?? ''), events.map((e) => e.externalId)],
    );
    return new Map(rows.map((row) => [`${row.source ?? ''}\u0000${row.external_id}`, row]));
  }

  /** The customer each of these events belongs to, by event key; absent when no event has the key. */
  private async customersOfEvents(sql: Sql, keys: string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await sql.query<{ id: string; customer_id: string }>(`SELECT id::text, customer_id FROM timeline_event WHERE id = ANY($1::bigint[])`, [[...new Set(keys)]]);
    return new Map(rows.map((row) => [row.id, row.customer_id]));
  }
}

function externalKey(event: ValidatedEvent): string {
  return `${event.source ?? ''}\u0000${event.externalId}`;
}

/** A replay is the same event when it is of the same kind and for the same (live) customer. */
function sameEvent(stored: TimelineEventRow, event: ValidatedEvent, owner: Exclude<Owner, null>): boolean {
  return stored.kind === event.kind && !('create' in owner) && stored.customer_id === owner.key;
}

function sameOwner(a: Owner, b: Owner): boolean {
  if (!a || !b) return false;
  if ('create' in a || 'create' in b) return 'create' in a && 'create' in b && identityKey(a.create) === identityKey(b.create);
  return a.key === b.key;
}

/**
 * The idempotency key was used before for another customer's event or another kind of event. The
 * answer says so and shows nothing of the stored event.
 */
function reusedKey(path: (string | number)[]): StorageOutcome {
  return failed([
    UserError.of(
      UserErrorCode.CONFLICT,
      'This (source, externalId) already names a different event (another customer, or another kind); nothing was stored. Use the id the source system gave this event.',
      [...path, 'externalId'],
    ),
  ]);
}

function refused(path: (string | number)[]): StorageOutcome {
  return failed([UserError.of(UserErrorCode.REFUSED, 'The database refused this event; nothing of it was stored.', path)]);
}

function storedPayload(row: TimelineEventRow, created: boolean): StorageOutcome {
  return { row, created, userErrors: [] };
}

function failed(userErrors: UserError[]): StorageOutcome {
  return { row: null, created: false, userErrors };
}
