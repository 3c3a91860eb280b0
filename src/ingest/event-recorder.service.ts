import type { DataSource } from 'typeorm';
import type { Config } from '../app/config';
import { UserError, UserErrorCode, badUserInput } from '../app/errors';
import { LostRace, MAX_RACE_RETRIES, savepoint, transaction, type Sql } from '../db/transaction';
import { identityKey, type CustomerService } from '../customers/customer.service';
import type { NormalisedIdentifier } from '../customers/identifier';
import { EventKind } from '../timeline/enums';
import { EVENT_COLUMNS } from '../timeline/timeline.service';
import { toTimelineEvent, type TimelineEventRow } from '../timeline/timeline-event.types';
import { announceTimelineEvents } from '../realtime/publisher';
import { validateEvent, type ValidatedEvent } from './event-validation';
import type { EventInput, RecordEventCommonInput, RecordEventPayload } from './record-event.types';

export const MAX_EVENTS_PER_BATCH = 1000;

export interface EventToRecord {
  kind: EventKind;
  input: RecordEventCommonInput;
  /** Where the input sits in the mutation's arguments, for user errors. */
  path: (string | number)[];
}

const EVENT_INPUT_FIELDS: [keyof EventInput, EventKind][] = [
  ['call', EventKind.CALL],
  ['email', EventKind.EMAIL],
  ['socialMessage', EventKind.SOCIAL_MESSAGE],
  ['purchase', EventKind.PURCHASE],
  ['surveyResponse', EventKind.SURVEY_RESPONSE],
];

/** Stores interactions pushed by integrations: validated, idempotent, each item on its own. */
export class EventRecorder {
  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
    private readonly customers: CustomerService,
  ) {}

  async record(kind: EventKind, input: RecordEventCommonInput): Promise<RecordEventPayload> {
    const [result] = await this.recordMany([{ kind, input, path: ['input'] }]);
    return result;
  }

  async recordEvents(events: EventInput[]): Promise<RecordEventPayload[]> {
    if (events.length > MAX_EVENTS_PER_BATCH) {
      throw badUserInput(`At most ${MAX_EVENTS_PER_BATCH} events per call, got ${events.length}; split the batch.`, { argument: 'input.events' });
    }
    const items: (EventToRecord | UserError)[] = events.map((event, i) => {
      const set = EVENT_INPUT_FIELDS.filter(([field]) => event[field] != null);
      if (set.length !== 1) {
        return UserError.of(UserErrorCode.INVALID, 'Set exactly one of call, email, socialMessage, purchase, surveyResponse.', ['input', 'events', i]);
      }
      const [field, kind] = set[0];
      return { kind, input: event[field]!, path: ['input', 'events', i, field] };
    });
    const valid = items.filter((item): item is EventToRecord => !(item instanceof UserError));
    const recorded = await this.recordMany(valid);
    let next = 0;
    return items.map((item) => (item instanceof UserError ? failed([item]) : recorded[next++]));
  }

  /**
   * Validates every item, then stores the valid ones in one transaction with set-based SQL: a
   * batch of 1000 costs about ten statements, not thousands. Items fail on their own: a bad item
   * gets userErrors and is not stored; the good ones are.
   */
  async recordMany(items: EventToRecord[]): Promise<RecordEventPayload[]> {
    const validations = items.map((item) => validateEvent(item.kind, item.input, item.path, this.config.DEFAULT_PHONE_REGION));
    const toStore = validations.flatMap((v, i) => (v.ok ? [{ event: v.event, path: items[i].path }] : []));
    if (toStore.length === 0) return validations.map((v) => failed(v.ok ? [] : v.errors));

    const stored = await this.customers.withRaceRetries(() => transaction(this.db, (sql) => this.storeBatch(sql, toStore)));
    let next = 0;
    return validations.map((v) => (v.ok ? stored[next++] : failed(v.errors)));
  }

  private async storeBatch(sql: Sql, items: { event: ValidatedEvent; path: (string | number)[] }[]): Promise<RecordEventPayload[]> {
    const results: RecordEventPayload[] = new Array(items.length);
    const events = items.map((item) => item.event);

    // Events stored before under the same (source, externalId) answer as repeats.
    const earlier = await this.storedByExternalId(sql, events.filter((e) => e.externalId != null));
    const repeatOf = events.map((e) => (e.externalId != null ? earlier.get(externalKey(e)) : undefined));
    const aboutKeys = [...new Set(events.flatMap((e) => (e.aboutEventKey ? [e.aboutEventKey] : [])))];
    const aboutFound = new Set(
      aboutKeys.length ? (await sql.query<{ id: string }>(`SELECT id::text FROM timeline_event WHERE id = ANY($1::bigint[])`, [aboutKeys])).map((r) => r.id) : [],
    );
    const aboutMissing = events.map((e) => e.aboutEventKey != null && !aboutFound.has(e.aboutEventKey));
    // Only items that will be stored may create the customer their identifier names.
    const owners = await this.resolveCustomers(sql, events, (i) => !repeatOf[i] && !aboutMissing[i], items.length > 1);

    const toInsert: { index: number; event: ValidatedEvent; customerKey: string; originKey: string | null }[] = [];
    const firstWithExternalId = new Map<string, number>();
    const repeatsInBatch: [index: number, of: number][] = [];
    items.forEach(({ event, path }, index) => {
      const repeat = repeatOf[index];
      if (repeat) return void (results[index] = storedPayload(repeat, false));
      if (aboutMissing[index]) {
        return void (results[index] = failed([UserError.of(UserErrorCode.NOT_FOUND, 'No timeline event has this id.', [...path, 'aboutEventId'])]));
      }
      const owner = owners[index];
      if (!owner) return void (results[index] = failed([UserError.of(UserErrorCode.NOT_FOUND, 'No customer has this id.', [...path, 'customerId'])]));
      if (event.externalId != null) {
        const first = firstWithExternalId.get(externalKey(event));
        if (first !== undefined) return void repeatsInBatch.push([index, first]);
        firstWithExternalId.set(externalKey(event), index);
      }
      toInsert.push({ index, event, customerKey: owner.key, originKey: owner.originKey });
    });

    const inserted = await this.insertEvents(sql, toInsert);
    const lostRaces = toInsert.filter((item) => !inserted.has(item.index));
    // A concurrent transaction stored the same (source, externalId) first: answer its event.
    const theirs = await this.storedByExternalId(sql, lostRaces.map((item) => item.event));
    for (const item of toInsert) {
      const row = inserted.get(item.index);
      results[item.index] = row ? storedPayload(row, true) : storedPayload(theirs.get(externalKey(item.event))!, false);
    }
    for (const [index, of] of repeatsInBatch) results[index] = { ...results[of], created: false };
    // Last step before COMMIT: stream positions and the notification for what this batch created.
    await announceTimelineEvents(sql, results.flatMap((result) => (result.created && result.event ? [result.event] : [])));
    return results;
  }

  /**
   * The customer each event belongs to now and, when a merge stands between, whose it was: a
   * merged-away id or an identifier a merge moved (unmerge gives such events back). Unknown
   * identifiers create their customer; null where a named customer id does not exist.
   */
  private async resolveCustomers(
    sql: Sql,
    events: ValidatedEvent[],
    mayCreate: (index: number) => boolean,
    isolate: boolean,
  ): Promise<({ key: string; originKey: string | null } | null)[]> {
    const keys = [...new Set(events.flatMap((e) => ('key' in e.customer ? [e.customer.key] : [])))];
    const live = new Map(
      keys.length
        ? (await sql.query<{ id: string; live: string }>(`SELECT id, coalesce(merged_into, id) AS live FROM customer WHERE id = ANY($1::uuid[])`, [keys])).map((r) => [r.id, r.live])
        : [],
    );
    const identifiers = events.flatMap((e) => ('identifier' in e.customer ? [e.customer.identifier] : []));
    const owners = await this.customers.identifierOwners(sql, identifiers);
    for (const [index, event] of events.entries()) {
      if (!('identifier' in event.customer) || !mayCreate(index) || owners.has(identityKey(event.customer.identifier))) continue;
      owners.set(identityKey(event.customer.identifier), await this.createCustomerFor(sql, event.customer.identifier, event.source, isolate));
    }
    return events.map((e) => {
      if ('identifier' in e.customer) return owners.get(identityKey(e.customer.identifier)) ?? null;
      const liveKey = live.get(e.customer.key);
      if (!liveKey) return null;
      return { key: liveKey, originKey: liveKey === e.customer.key ? null : e.customer.key };
    });
  }

  /** In a batch, a concurrent creator of the same identifier only costs a retry of this one step. */
  private async createCustomerFor(sql: Sql, identifier: NormalisedIdentifier, source: string | null, isolate: boolean) {
    for (let attempt = 1; ; attempt++) {
      try {
        const find = () => this.customers.findOrCreateByIdentifier(sql, identifier, source);
        return isolate ? await savepoint(sql, find) : await find();
      } catch (error) {
        if (error instanceof LostRace && isolate && attempt < MAX_RACE_RETRIES) continue;
        throw error;
      }
    }
  }

  /** Inserts with ids taken up front, so each stored row is known to belong to its item. */
  private async insertEvents(
    sql: Sql,
    items: { index: number; event: ValidatedEvent; customerKey: string; originKey: string | null }[],
  ): Promise<Map<number, TimelineEventRow>> {
    if (items.length === 0) return new Map();
    const ids = (await sql.query<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('timeline_event', 'id'))::text AS id FROM generate_series(1, $1)`, [items.length])).map(
      (r) => r.id,
    );
    const column = <T>(pick: (item: (typeof items)[number]) => T) => items.map(pick);
    const rows = await sql.query<TimelineEventRow>(
      `WITH inserted AS (
         INSERT INTO timeline_event AS e (id, customer_id, kind, channel, occurred_at, direction, summary, source, external_id, agent_id, details, origin_customer_id)
         OVERRIDING SYSTEM VALUE
         SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[], $5::timestamptz[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::jsonb[], $12::uuid[])
         ON CONFLICT ((coalesce(source, '')), external_id) WHERE external_id IS NOT NULL DO NOTHING
         RETURNING *
       )
       SELECT ${EVENT_COLUMNS} FROM inserted e`,
      [
        ids,
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
      ],
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return new Map(items.flatMap((item, i) => (byId.has(ids[i]) ? [[item.index, byId.get(ids[i])!] as const] : [])));
  }

  private async storedByExternalId(sql: Sql, events: ValidatedEvent[]): Promise<Map<string, TimelineEventRow>> {
    if (events.length === 0) return new Map();
    const rows = await sql.query<TimelineEventRow>(
      `SELECT ${EVENT_COLUMNS} FROM timeline_event e
       JOIN unnest($1::text[], $2::text[]) AS wanted(source, external_id) ON coalesce(e.source, '') = wanted.source AND e.external_id = wanted.external_id`,
      [events.map((e) => e.source ?? ''), events.map((e) => e.externalId)],
    );
    return new Map(rows.map((row) => [`${row.source ?? ''}\u0000${row.external_id}`, row]));
  }
}

function externalKey(event: ValidatedEvent): string {
  return `${event.source ?? ''}\u0000${event.externalId}`;
}

function storedPayload(row: TimelineEventRow, created: boolean): RecordEventPayload {
  return { event: toTimelineEvent(row), customer: null, customerKey: row.customer_id, created, userErrors: [] };
}

function failed(userErrors: UserError[]): RecordEventPayload {
  return { event: null, customer: null, customerKey: null, created: false, userErrors };
}
