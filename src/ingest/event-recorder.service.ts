import type { DataSource } from 'typeorm';
import type { Config } from '../app/config';
import { UserError, UserErrorCode, UserInputProblem, badUserInput } from '../app/errors';
import { LostRace, MAX_RACE_RETRIES, savepoint, transaction, type Sql } from '../db/transaction';
import type { CustomerService } from '../customers/customer.service';
import { EventKind } from '../timeline/enums';
import { EVENT_COLUMNS } from '../timeline/timeline.service';
import { toTimelineEvent, type TimelineEventRow } from '../timeline/timeline-event.types';
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
   * Validates every item, then stores the valid ones in one transaction with a savepoint per
   * item, so that an item failing in the database leaves the others and the stored data intact.
   */
  async recordMany(items: EventToRecord[]): Promise<RecordEventPayload[]> {
    const validations = items.map((item) => validateEvent(item.kind, item.input, item.path, this.config.DEFAULT_PHONE_REGION));
    const toStore = validations.flatMap((v, i) => (v.ok ? [{ event: v.event, path: items[i].path }] : []));
    if (toStore.length === 0) return validations.map((v) => failed(v.ok ? [] : v.errors));

    const stored = await this.customers.withRaceRetries(() =>
      transaction(this.db, async (sql) => {
        const results: RecordEventPayload[] = [];
        for (const { event, path } of toStore) {
          results.push(await this.storeOne(sql, event, path, toStore.length > 1));
        }
        return results;
      }),
    );
    let next = 0;
    return validations.map((v) => (v.ok ? stored[next++] : failed(v.errors)));
  }

  private async storeOne(sql: Sql, event: ValidatedEvent, path: (string | number)[], isolate: boolean): Promise<RecordEventPayload> {
    for (let attempt = 1; ; attempt++) {
      try {
        return isolate ? await savepoint(sql, () => this.insert(sql, event, path)) : await this.insert(sql, event, path);
      } catch (error) {
        if (error instanceof UserInputProblem) return failed(error.errors);
        // Inside a batch the savepoint already undid this item; try it again on its own.
        if (error instanceof LostRace && isolate && attempt < MAX_RACE_RETRIES) continue;
        throw error;
      }
    }
  }

  private async insert(sql: Sql, event: ValidatedEvent, path: (string | number)[]): Promise<RecordEventPayload> {
    if (event.externalId != null) {
      const repeat = await this.storedRepeat(sql, event);
      if (repeat) return repeat;
    }

    // The customer the event belongs to now, and, when a merge stands between, whose it was:
    // a merged-away id or an identifier a merge moved. Unmerge gives such events back.
    let customerKey: string;
    let originKey: string | null = null;
    if ('key' in event.customer) {
      const [named] = await sql.query<{ live: string }>(`SELECT coalesce(merged_into, id) AS live FROM customer WHERE id = $1`, [event.customer.key]);
      if (!named) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No customer has this id.', [...path, 'customerId']);
      customerKey = named.live;
      if (named.live !== event.customer.key) originKey = event.customer.key;
    } else {
      const owner = await this.customers.findOrCreateByIdentifier(sql, event.customer.identifier, event.source);
      customerKey = owner.key;
      originKey = owner.originKey;
    }

    if (event.aboutEventKey != null) {
      const [about] = await sql.query(`SELECT 1 FROM timeline_event WHERE id = $1`, [event.aboutEventKey]);
      if (!about) throw UserInputProblem.one(UserErrorCode.NOT_FOUND, 'No timeline event has this id.', [...path, 'aboutEventId']);
    }

    const [row] = await sql.query<TimelineEventRow>(
      `WITH inserted AS (
         INSERT INTO timeline_event AS e (customer_id, kind, channel, occurred_at, direction, summary, source, external_id, agent_id, details, origin_customer_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT ((coalesce(source, '')), external_id) WHERE external_id IS NOT NULL DO NOTHING
         RETURNING *
       )
       SELECT ${EVENT_COLUMNS} FROM inserted e`,
      [
        customerKey,
        event.kind,
        event.channel,
        event.occurredAt,
        event.direction,
        event.summary,
        event.source,
        event.externalId,
        event.agentId,
        JSON.stringify(event.details),
        originKey,
      ],
    );
    // Another transaction stored the same (source, externalId) first; retrying finds it.
    if (!row) throw new LostRace(`event ${event.source}/${event.externalId}`);
    return { event: toTimelineEvent(row), customer: null, customerKey, created: true, userErrors: [] };
  }

  private async storedRepeat(sql: Sql, event: ValidatedEvent): Promise<RecordEventPayload | null> {
    const [row] = await sql.query<TimelineEventRow>(
      `SELECT ${EVENT_COLUMNS} FROM timeline_event e WHERE coalesce(e.source, '') = coalesce($1, '') AND e.external_id = $2`,
      [event.source, event.externalId],
    );
    if (!row) return null;
    return { event: toTimelineEvent(row), customer: null, customerKey: row.customer_id, created: false, userErrors: [] };
  }
}

function failed(userErrors: UserError[]): RecordEventPayload {
  return { event: null, customer: null, customerKey: null, created: false, userErrors };
}
